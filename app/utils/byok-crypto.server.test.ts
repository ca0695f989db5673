import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encryptionKey, seal, unseal, UnreadableSecretError } from "./byok-crypto.server";

const key = encryptionKey(randomBytes(32).toString("base64"));
const secret = "sk-proj-customer-own-key-0123456789";

describe("customer LLM keys at rest (AES-256-GCM)", () => {
  it("decrypts what it encrypted, under a fresh 12-byte IV each time, with the key's id and a 16-byte tag", () => {
    const first = seal(secret, key);
    const second = seal(secret, key);
    expect(unseal(first, [key])).toBe(secret);
    expect(first.iv).toHaveLength(12);
    expect(first.tag).toHaveLength(16);
    expect(first.keyId).toBe(key.id);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.ciphertext.toString("latin1")).not.toContain(secret);
  });

  it("refuses the wrong encryption key, an unknown key id and a changed byte", () => {
    const sealed = seal(secret, key);
    const other = encryptionKey(randomBytes(32).toString("hex"));
    expect(() => unseal(sealed, [other])).toThrow(UnreadableSecretError);
    // The right id with other bytes (a key replaced under the same name) fails on the tag, not with rubbish.
    expect(() => unseal(sealed, [{ id: key.id, bytes: other.bytes }])).toThrow(/does not open/);
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = flipped[0]! ^ 1;
    expect(() => unseal({ ...sealed, ciphertext: flipped }, [key])).toThrow(UnreadableSecretError);
    expect(() => unseal({ ...sealed, tag: randomBytes(16) }, [key])).toThrow(UnreadableSecretError);
  });

  it("reads a key written as hex or as base64 the same, and names it without revealing it", () => {
    const bytes = randomBytes(32);
    const hex = encryptionKey(bytes.toString("hex"));
    const base64 = encryptionKey(bytes.toString("base64"));
    expect(hex.id).toBe(base64.id);
    expect(hex.id).toMatch(/^[0-9a-f]{12}$/);
    expect(bytes.toString("hex")).not.toContain(hex.id);
    expect(() => encryptionKey("c2hvcnQ=")).toThrow(/32 bytes/);
  });
});
