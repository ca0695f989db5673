// Issue 18, item 10: `npm run backup` and `npm run restore` over a running app. What a customer and an admin had —
// orders, payments, delivered files, queued and finished jobs, sessions, the audit trail — survives the round trip
// into an empty database, and the app started on it serves the same downloads to the same session. A restore never
// replaces a database with accounts unless forced, and a damaged backup changes nothing.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { recordAudit } from "../../app/models/audit-log.server";
import { createDb, type Db } from "../../app/utils/db.server";
import { eventually } from "../setup/fixtures";
import { type App, Client, signedInCustomer, startApp } from "./app";
import { draftOrder, queueOf } from "./money-app";

const ROOT = path.resolve(import.meta.dirname, "../..");
const folder = mkdtempSync(path.join(os.tmpdir(), "tesigo-backup-"));
const backupFile = path.join(folder, "tesigo.backup.gz");
const scheduledDir = path.join(folder, "scheduled");

type Run = { code: number | null; stdout: string; stderr: string };

/** `npm run <script> -- args` as a deployer runs it, against `databaseUrl`. */
function runScript(script: string, args: string[], databaseUrl: string): Promise<Run> {
  const { NODE_ENV: _unset, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], {
      cwd: ROOT,
      env: {
        ...inherited,
        LOG_LEVEL: "fatal",
        DATABASE_URL: databaseUrl,
        DATA_DIR: folder,
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A database with nothing in it: no tables, no pg-boss schema. */
async function emptyDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = inject("postgresAdminUrl");
  const name = `restore_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: adminUrl.replace(/\/postgres$/, `/${name}`),
    drop: async () => {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** What must survive, read the same way from both databases. */
async function contents(db: Db) {
  const count = async (table: string) =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.raw(table)}`.execute(db)).rows[0]!.n);
  const tables = ["users", "sessions", "documents", "sections", "payments", "files", "audit_log", "pgboss.job"];
  const counts = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await count(t)])));
  return {
    counts,
    admins: (await db.selectFrom("users").select("email").where("role", "=", "admin").execute()).map((u) => u.email),
    orders: await db
      .selectFrom("documents")
      .select(["id", "status", "price_cents", "pdf_key", "docx_key"])
      .orderBy("id")
      .execute(),
    payments: await db
      .selectFrom("payments")
      .select(["id", "document_id", "amount_cents", "status"])
      .orderBy("id")
      .execute(),
    files: (await sql<{ key: string; sha256: string }>`select key, sha256 from files order by key`.execute(db)).rows,
    jobs: (
      await sql<{
        id: string;
        name: string;
        state: string;
      }>`select id, name, state::text from pgboss.job order by id`.execute(db)
    ).rows,
    audit: (await sql<{ id: string; action: string }>`select id::text, action from audit_log order by id`.execute(db))
      .rows,
    sequences: (
      await sql<{
        name: string;
        value: string;
      }>`select sequencename as name, last_value::text as value from pg_sequences where schemaname = 'public' order by 1`.execute(
        db,
      )
    ).rows,
  };
}

let source: App;
let target: { url: string; drop: () => Promise<void> };
let targetDb: Db;
beforeAll(async () => {
  [source, target] = await Promise.all([
    startApp({ BACKUP_DIR: scheduledDir, BACKUP_KEEP: "2", BACKUP_SCHEDULE: "45 2 * * 1" }),
    emptyDatabase(),
  ]);
  targetDb = createDb(target.url, 2);
});
afterAll(async () => {
  await targetDb?.destroy();
  await Promise.all([source?.stop(), target?.drop()]);
  rmSync(folder, { recursive: true, force: true });
});

describe("backup and restore", () => {
  let owner: Awaited<ReturnType<typeof signedInCustomer>>;
  let orderId: string;
  let before: Awaited<ReturnType<typeof contents>>;
  const downloads = new Map<string, Buffer>();

  it("a backup taken while the app runs, restored into an empty database, brings back the orders, payments, files, jobs, sessions, audit trail and admin; the app started on it serves the same downloads to the same session", async () => {
    owner = await signedInCustomer(source, "customer@example.com");
    orderId = await draftOrder(owner.client, { topic: "Windmills of the Low Countries" });
    expect((await owner.client.post(`/orders/${orderId}/review`, { intent: "dev" })).location).toBe(
      `/documents/${orderId}`,
    );
    await eventually(
      "the order to be delivered",
      async () => {
        const row = await source.db
          .selectFrom("documents")
          .select(["status", "pdf_key"])
          .where("id", "=", orderId)
          .executeTakeFirstOrThrow();
        return row.pdf_key && row.status.startsWith("completed");
      },
      120_000,
    );
    const admin = await signedInCustomer(source, "admin@example.com");
    await source.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.userId).execute();
    await recordAudit(source.db, {
      actorUserId: admin.userId,
      action: "user.premium_granted",
      targetType: "user",
      targetId: owner.userId,
      reason: "a loyal customer",
    });
    for (const format of ["pdf", "docx"]) downloads.set(format, await download(owner.client, orderId, format));
    before = await contents(source.db);
    expect(before.counts).toMatchObject({ payments: 1, files: 2, audit_log: 1 });
    expect(before.counts["pgboss.job"]).toBeGreaterThan(0);

    const backup = await runScript("backup", [backupFile], source.databaseUrl);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout.trim()).toMatch(
      new RegExp(`^Backed up \\d+ tables \\(\\d+ rows, migration \\w+\\) to ${backupFile}, [\\d.]+ MB\\.$`),
    );

    const restore = await runScript("restore", [backupFile], target.url);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout.trim()).toMatch(
      new RegExp(`^Restored ${backupFile} \\(taken .+, migration \\w+\\): \\d+ tables, \\d+ rows\\.$`),
    );
    expect(await contents(targetDb)).toEqual(before);

    const restored = await startApp({ DATABASE_URL: target.url });
    try {
      const sameBrowser = new Client(restored);
      for (const [name, value] of owner.client.cookies) sameBrowser.cookies.set(name, value);
      for (const format of ["pdf", "docx"]) {
        expect(Buffer.compare(await download(sameBrowser, orderId, format), downloads.get(format)!), format).toBe(0);
      }
      expect((await sameBrowser.get(`/documents/${orderId}`)).status).toBe(200);
    } finally {
      await restored.stop();
    }
  }, 240_000);

  it("a restore refuses a database that has accounts (nothing changes) unless --force, which replaces all its data with the backup's", async () => {
    await targetDb.insertInto("users").values({ email: "after-the-restore@example.com" }).execute();
    const refused = await runScript("restore", [backupFile], target.url);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      "The database has accounts already: nothing was restored. Run again with --force to replace all its data with the backup's.",
    );
    expect((await contents(targetDb)).counts.users).toBe(before.counts.users + 1);

    const forced = await runScript("restore", [backupFile, "--force"], target.url);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await contents(targetDb)).toEqual(before);
  }, 120_000);

  it("a damaged backup (its last part cut off) is refused with a message and the database keeps every row it had", async () => {
    await targetDb.insertInto("users").values({ email: "still-here@example.com" }).execute();
    const damaged = path.join(folder, "damaged.backup.gz");
    const whole = readFileSync(backupFile);
    writeFileSync(damaged, whole.subarray(0, Math.floor(statSync(backupFile).size * 0.9)));
    const run = await runScript("restore", [damaged, "--force"], target.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${damaged} is not a usable TesiGo backup`);
    const after = await contents(targetDb);
    expect(after.counts.users).toBe(before.counts.users + 1);
    expect(after.files).toEqual(before.files);
  }, 120_000);
  it("the scheduled backup (BACKUP_DIR) runs on its pg-boss schedule, writes a restorable backup and keeps only the BACKUP_KEEP newest of its own files", async () => {
    const schedule = await sql<{
      cron: string;
    }>`select cron from pgboss.schedule where name = 'database.backup'`.execute(source.db);
    expect(schedule.rows).toEqual([{ cron: "45 2 * * 1" }]);
    mkdirSync(scheduledDir, { recursive: true });
    const old = ["tesigo-2026-01-01T03-15-00Z.backup.gz", "tesigo-2026-01-02T03-15-00Z.backup.gz"];
    for (const name of [...old, "hand-made.backup.gz"]) writeFileSync(path.join(scheduledDir, name), "an older backup");

    const boss = await queueOf(source);
    try {
      await boss.send(QUEUES.backup, {});
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    const written = await eventually("the scheduled backup and its retention", async () => {
      const names = readdirSync(scheduledDir).filter((n) => !n.endsWith(".partial"));
      const fresh = names.filter((n) => n.startsWith("tesigo-") && !old.includes(n));
      return fresh.length === 1 && !names.includes(old[0]!) ? { names, fresh: fresh[0]! } : undefined;
    });
    expect(written.names.sort()).toEqual([old[1]!, "hand-made.backup.gz", written.fresh].sort());
    expect(written.fresh).toMatch(/^tesigo-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.backup\.gz$/);

    const restore = await runScript("restore", [path.join(scheduledDir, written.fresh), "--force"], target.url);
    expect(restore.code, restore.stderr).toBe(0);
    expect((await contents(targetDb)).files).toEqual(before.files);
  }, 120_000);
});

async function download(client: Client, id: string, format: string): Promise<Buffer> {
  const res = await fetch(new URL(`/documents/${id}/download/${format}`, client.app.url), {
    headers: { cookie: client.cookieHeader() },
    redirect: "manual",
  });
  expect(res.status, `${format} download`).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}
