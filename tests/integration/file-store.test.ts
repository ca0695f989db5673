// Issue 18, item 9: one suite of store tests, run against the Postgres `files` table and against S3 (a local fake,
// the real SDK); and the one-off move of files an older TesiGo kept on disk.
import { mkdirSync, mkdtempSync, existsSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FileStore } from "../../app/utils/file-store.server";
import { moveDiskFilesToStore } from "../../app/utils/move-disk-files.server";
import { fileStoreFor } from "../../app/utils/storage.server";
import { startFakeS3, type FakeS3 } from "../fakes/s3";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
let s3: FakeS3;
beforeAll(async () => {
  [database, s3] = await Promise.all([createTestDatabase(), startFakeS3()]);
});
afterAll(async () => {
  await Promise.all([database?.destroy(), s3?.close()]);
});

const NO_S3 = { S3_REGION: "us-east-1" } as const;
const stores: Array<[string, () => FileStore]> = [
  ["postgres", () => fileStoreFor(NO_S3, database.db)],
  ["s3", () => fileStoreFor(s3.env, database.db)],
];

describe.each(stores)("the %s file store", (kind, storeOf) => {
  it("is the store the configuration names", () => {
    expect(storeOf().kind).toBe(kind);
  });

  it("gives back exactly the bytes and content type it was given, and replaces them under the same key", async () => {
    const store = storeOf();
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    await store.put("documents/a/1.pdf", bytes, "application/pdf");
    const read = await store.get("documents/a/1.pdf");
    expect(read?.contentType).toBe("application/pdf");
    expect(Buffer.compare(read!.content, bytes)).toBe(0);

    await store.put("documents/a/1.pdf", Buffer.from("second"), "text/plain; charset=utf-8");
    expect((await store.get("documents/a/1.pdf"))!.content.toString()).toBe("second");
  });

  it("knows which keys it holds, and answers null for one it does not", async () => {
    const store = storeOf();
    await store.put("uploads/u/brief.txt", Buffer.from("brief"), "text/plain; charset=utf-8");
    expect(await store.exists("uploads/u/brief.txt")).toBe(true);
    expect(await store.exists("uploads/u/other.txt")).toBe(false);
    expect(await store.get("uploads/u/other.txt")).toBeNull();
  });

  it("deletes a file, and deleting it again is not an error", async () => {
    const store = storeOf();
    await store.put("uploads/u/gone.txt", Buffer.from("gone"), "text/plain; charset=utf-8");
    await store.delete("uploads/u/gone.txt");
    expect(await store.exists("uploads/u/gone.txt")).toBe(false);
    await expect(store.delete("uploads/u/gone.txt")).resolves.toBeUndefined();
  });

  it("stores an empty file", async () => {
    const store = storeOf();
    await store.put("uploads/u/empty.txt", new Uint8Array(0), "text/plain; charset=utf-8");
    expect((await store.get("uploads/u/empty.txt"))!.content.byteLength).toBe(0);
  });

  it("the move of an older TesiGo's disk files stores each under its path, deletes it from disk, and can run again", async () => {
    const store = storeOf();
    const dir = mkdtempSync(path.join(os.tmpdir(), `tesigo-move-${kind}-`));
    try {
      mkdirSync(path.join(dir, "documents", "d1"), { recursive: true });
      mkdirSync(path.join(dir, "uploads", "u1"), { recursive: true });
      writeFileSync(path.join(dir, "documents", "d1", "x.pdf"), "%PDF-1.7 delivered");
      writeFileSync(path.join(dir, "uploads", "u1", "y.txt"), "requirements");
      // A copy a crashed earlier run stored but did not delete from disk yet.
      await store.put("uploads/u1/z.txt", Buffer.from("already moved"), "text/plain; charset=utf-8");
      writeFileSync(path.join(dir, "uploads", "u1", "z.txt"), "already moved");
      writeFileSync(path.join(dir, "uploads", "u1", "not a key!.txt"), "stray");

      const report = await moveDiskFilesToStore(dir, store);
      expect(report).toEqual({ moved: 2, alreadyStored: 1, skipped: ["uploads/u1/not a key!.txt"], failed: [] });
      const pdf = await store.get("documents/d1/x.pdf");
      expect(pdf?.content.toString()).toBe("%PDF-1.7 delivered");
      expect(pdf?.contentType).toBe("application/pdf");
      expect((await store.get("uploads/u1/y.txt"))?.content.toString()).toBe("requirements");
      expect(existsSync(path.join(dir, "documents", "d1", "x.pdf"))).toBe(false);
      expect(existsSync(path.join(dir, "uploads", "u1", "z.txt"))).toBe(false);

      expect(await moveDiskFilesToStore(dir, store)).toEqual({
        moved: 0,
        alreadyStored: 0,
        skipped: ["uploads/u1/not a key!.txt"],
        failed: [],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

it("a file in Postgres carries its size and SHA-256", async () => {
  await fileStoreFor(NO_S3, database.db).put("documents/b/sum.txt", Buffer.from("abc"), "text/plain");
  const row = await database.db
    .selectFrom("files")
    .select(["size_bytes", "sha256"])
    .where("key", "=", "documents/b/sum.txt")
    .executeTakeFirstOrThrow();
  expect(row).toEqual({ size_bytes: 3, sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" });
});

it("a missing move folder (a fresh install) moves nothing", async () => {
  expect(
    await moveDiskFilesToStore(path.join(os.tmpdir(), "tesigo-no-such-folder"), fileStoreFor(NO_S3, database.db)),
  ).toEqual({ moved: 0, alreadyStored: 0, skipped: [], failed: [] });
});
