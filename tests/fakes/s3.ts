// A local S3-compatible store standing in for AWS S3 / MinIO: s3rver (objects kept in a temporary folder), which the
// real @aws-sdk/client-s3 talks to with path-style addressing.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
// @ts-expect-error s3rver ships no type declarations
import S3rver from "s3rver";

export type FakeS3 = {
  /** The variables that point TesiGo at this store. */
  env: { S3_URL: string; S3_BUCKET: string; S3_ACCESS_KEY_ID: string; S3_SECRET_ACCESS_KEY: string; S3_REGION: string };
  /** The folder s3rver keeps the bucket in (each object under `<bucket>/<key>._S3rver_object`). */
  directory: string;
  close: () => Promise<void>;
};

export async function startFakeS3(bucket = "tesigo-files"): Promise<FakeS3> {
  const directory = mkdtempSync(path.join(os.tmpdir(), "tesigo-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = (await server.run()) as { port: number };
  return {
    // s3rver accepts any request signed with its well-known development credentials.
    env: {
      S3_URL: `http://127.0.0.1:${port}`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_REGION: "us-east-1",
    },
    directory,
    close: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
