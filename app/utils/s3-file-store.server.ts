import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { FileStore } from "./file-store.server";

export type S3Settings = { url: string; bucket: string; accessKeyId: string; secretAccessKey: string; region: string };

const clients = new Map<string, S3Client>();

function clientFor(settings: S3Settings): S3Client {
  const id = `${settings.url}|${settings.region}|${settings.accessKeyId}`;
  let client = clients.get(id);
  if (!client) {
    client = new S3Client({
      endpoint: settings.url,
      region: settings.region,
      // MinIO, Garage, R2 and most self-hosted stores address buckets by path, not by subdomain.
      forcePathStyle: true,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // Only what S3 itself requires: several S3-compatible stores refuse the SDK's newer default checksums.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    });
    clients.set(id, client);
  }
  return client;
}

function isMissing(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404)
  );
}

/** Files as objects of one bucket of an S3-compatible store, under the same keys the rows hold. */
export function s3FileStore(settings: S3Settings): FileStore {
  const client = clientFor(settings);
  const Bucket = settings.bucket;
  return {
    kind: "s3",
    async put(key, content, contentType) {
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: content, ContentType: contentType }));
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        const bytes = await object.Body!.transformToByteArray();
        return {
          content: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          contentType: object.ContentType ?? "application/octet-stream",
        };
      } catch (error) {
        if (isMissing(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
  };
}
