// Customers' LLM keys at rest: AES-256-GCM under a key-encryption key (BYOK_ENCRYPTION_KEY), a random 12-byte IV per
// value and the auth tag kept, so a changed byte or the wrong encryption key fails instead of decrypting to rubbish.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export type SealedSecret = { keyId: string; iv: Buffer; ciphertext: Buffer; tag: Buffer };

/** An encryption key ready to use: its 32 bytes and the id rows name it by. */
export type EncryptionKey = { id: string; bytes: Buffer };

/** BYOK_ENCRYPTION_KEY (64 hex characters or base64 of 32 bytes) as bytes with its id. */
export function encryptionKey(value: string): EncryptionKey {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, "hex") : Buffer.from(value, "base64");
  if (bytes.length !== 32) throw new Error("An encryption key must be 32 bytes");
  return { id: encryptionKeyId(bytes), bytes };
}

/** The first 12 hex characters of the key's SHA-256: names the key without revealing it. */
function encryptionKeyId(bytes: Buffer): string {
  return createHash("sha256").update("tesigo-byok-key-id").update(bytes).digest("hex").slice(0, 12);
}

export function seal(secret: string, key: EncryptionKey): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key.bytes, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return { keyId: key.id, iv, ciphertext, tag: cipher.getAuthTag() };
}

export class UnreadableSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnreadableSecretError";
  }
}

/** Opens a sealed value with whichever of `keys` sealed it; throws UnreadableSecretError when none can. */
export function unseal(sealed: SealedSecret, keys: readonly EncryptionKey[]): string {
  const key = keys.find((k) => k.id === sealed.keyId);
  if (!key) throw new UnreadableSecretError(`no encryption key with id ${sealed.keyId} is configured`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.bytes, sealed.iv);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new UnreadableSecretError(`the value sealed with key ${sealed.keyId} does not open with it`);
  }
}
