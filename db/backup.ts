import { once } from "node:events";
import { createWriteStream, promises as fs } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { createGzip } from "node:zlib";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import {
  BACKED_UP_SCHEMAS,
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  END_OF_TABLE,
  listTables,
  qualified,
  quoteIdent,
  type BackupHeader,
} from "./backup-format";

export type BackupSummary = { tables: number; rows: number; bytes: number; migration: string };

/** Tables in an order that loads without breaking a foreign key: each after the tables it references. */
function loadOrder<T extends { oid: number }>(tables: T[], references: Array<{ from: number; to: number }>): T[] {
  const ordered: T[] = [];
  const placed = new Set<number>();
  const visiting = new Set<number>();
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const visit = (table: T) => {
    if (placed.has(table.oid) || visiting.has(table.oid)) return; // a cycle (none today): only deferrable keys would let it load
    visiting.add(table.oid);
    for (const ref of references) {
      const target = ref.from === table.oid && ref.to !== table.oid ? byOid.get(ref.to) : undefined;
      if (target) visit(target);
    }
    visiting.delete(table.oid);
    placed.add(table.oid);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}

/**
 * Writes a backup of the database `client` is connected to into `file`: every table of the app and of pg-boss (the
 * files table included), read in one REPEATABLE READ READ ONLY transaction, so the whole is one consistent snapshot
 * however long it takes and whatever runs meanwhile. Written to `file.partial` and renamed when complete.
 */
export async function writeBackup(
  client: pg.Client,
  file: string,
  options: { files: BackupHeader["files"] },
): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const written = pipeline(gzip, createWriteStream(partial));
  written.catch(() => {});
  const write = async (text: string) => {
    if (!gzip.write(text)) await once(gzip, "drain");
  };
  let tablesWritten = 0;
  let rows = 0;
  await client.query("begin isolation level repeatable read read only");
  try {
    const tables = await listTables(client);
    const references = (
      await client.query<{ from: number; to: number }>(
        `select conrelid::int as "from", confrelid::int as "to" from pg_constraint where contype = 'f'`,
      )
    ).rows;
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      migration: await lastMigration(client),
      pgbossVersion: await pgbossVersion(client),
      queues: await queueNames(client),
      files: options.files,
      tables: [],
      sequences: await sequenceValues(client),
    };
    for (const table of loadOrder(tables, references)) {
      header.tables.push({ table: table.table, columns: await columnsOf(client, table.oid) });
    }
    await write(`${JSON.stringify(header)}\n`);
    for (const { table, columns } of header.tables) {
      await write(`${JSON.stringify({ table, columns })}\n`);
      const list = columns.map(quoteIdent).join(", ");
      // A query, not the table: COPY cannot read a partitioned table (pgboss.job) directly.
      const copy = client.query(copyTo(`copy (select ${list} from ${table}) to stdout`));
      await pipeline(
        copy,
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
            if (gzip.write(chunk)) done();
            else gzip.once("drain", () => done());
          },
        }),
      );
      await write(`${END_OF_TABLE}\n`);
      tablesWritten++;
    }
    await write(`${JSON.stringify({ end: true, tables: tablesWritten, rows })}\n`);
    await client.query("commit");
    gzip.end();
    await written;
    await fs.rename(partial, file);
    const { size } = await fs.stat(file);
    return { tables: tablesWritten, rows, bytes: size, migration: header.migration };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    gzip.destroy();
    await fs.rm(partial, { force: true });
    throw error;
  }
}

async function columnsOf(client: pg.Client, oid: number): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select attname as name from pg_attribute
      where attrelid = $1 and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`,
    [oid],
  );
  return rows.map((r) => r.name);
}

async function lastMigration(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ name: string }>(
    "select name from public.kysely_migration order by name desc limit 1",
  );
  if (!rows[0]) throw new Error("The database has no migrations applied: there is nothing of TesiGo to back up");
  return rows[0].name;
}

async function pgbossVersion(client: pg.Client): Promise<number | null> {
  const { rows } = await client.query<{ t: string | null }>("select to_regclass('pgboss.version')::text as t");
  if (!rows[0]?.t) return null;
  return (await client.query<{ version: number }>("select version from pgboss.version")).rows[0]?.version ?? null;
}

async function queueNames(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ t: string | null }>("select to_regclass('pgboss.queue')::text as t");
  if (!rows[0]?.t) return [];
  return (await client.query<{ name: string }>("select name from pgboss.queue order by name")).rows.map((r) => r.name);
}

async function sequenceValues(client: pg.Client): Promise<BackupHeader["sequences"]> {
  const { rows } = await client.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'S' and n.nspname = any($1) order by 1, 2`,
    [BACKED_UP_SCHEMAS],
  );
  const values: BackupHeader["sequences"] = [];
  for (const { schema, name } of rows) {
    const sequence = qualified(schema, name);
    const { rows: state } = await client.query<{ value: string; called: boolean }>(
      `select last_value::text as value, is_called as called from ${sequence}`,
    );
    values.push({ sequence, value: state[0]!.value, isCalled: state[0]!.called });
  }
  return values;
}
