import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import type pg from "pg";

// A TesiGo backup is one gzip stream of lines (README, Backups):
//   1. the header, one JSON line (BackupHeader);
//   2. per table, in an order that loads without breaking a foreign key: a JSON line {"table","columns"}, the rows in
//      COPY's text format (one row a line; tabs, newlines and backslashes inside values are escaped), then `\.`;
//   3. the trailer, one JSON line {"end": true, "tables", "rows"}: a file without it is incomplete and refused.

export const BACKUP_FORMAT = "tesigo-backup";
export const BACKUP_FORMAT_VERSION = 1;
export const BACKED_UP_SCHEMAS = ["public", "pgboss"];
export const END_OF_TABLE = "\\.";

export type BackupHeader = {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  /** The last migration applied to the database backed up: a restore migrates to exactly this one first. */
  migration: string;
  /** pg-boss' schema version (pgboss.version), which the restoring database must have too. */
  pgbossVersion: number | null;
  /** The queues pg-boss had (each is a partition of pgboss.job that must exist before its jobs load). */
  queues: string[];
  /** Where the delivered files and uploads were: in this backup ("postgres") or in an S3 bucket, not in it. */
  files: "postgres" | "s3";
  tables: Array<{ table: string; columns: string[] }>;
  sequences: Array<{ sequence: string; value: string; isCalled: boolean }>;
};

export type BackupTrailer = { end: true; tables: number; rows: number };

export type BackupPart =
  | { kind: "header"; header: BackupHeader }
  | { kind: "table"; table: string; columns: string[] }
  | { kind: "row"; line: string }
  | { kind: "end"; trailer: BackupTrailer };

/** `"schema"."name"`, quoted for SQL. */
export function qualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export class BackupFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file} is not a usable TesiGo backup: ${problem}`);
    this.name = "BackupFileError";
  }
}

function parseJsonLine<T>(file: string, line: string, what: string): T {
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new BackupFileError(file, `expected ${what}, found ${JSON.stringify(line.slice(0, 60))}`);
  }
}

/** Every part of a backup file, in order; throws BackupFileError on anything out of place or a missing end. */
export async function* readBackup(file: string): AsyncGenerator<BackupPart> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  // A damaged gzip stream (or an unreadable file) fails the reader rather than ending it early.
  const failed = new Promise<never>((_, reject) => {
    gunzip.once("error", (error) => reject(new BackupFileError(file, error.message)));
    input.once("error", (error) => reject(new BackupFileError(file, error.message)));
  });
  failed.catch(() => {});
  const iterator = lines[Symbol.asyncIterator]();
  const next = () =>
    Promise.race([iterator.next(), failed]).catch((error: Error) => {
      throw error instanceof BackupFileError ? error : new BackupFileError(file, error.message);
    });
  let state: "header" | "between" | "rows" = "header";
  let tables = 0;
  let rows = 0;
  try {
    for (let item = await next(); !item.done; item = await next()) {
      const line = item.value;
      if (state === "header") {
        const header = parseJsonLine<BackupHeader>(file, line, "the header");
        if (header.format !== BACKUP_FORMAT) throw new BackupFileError(file, "it has no TesiGo backup header");
        if (header.formatVersion !== BACKUP_FORMAT_VERSION) {
          throw new BackupFileError(file, `format version ${header.formatVersion} is not ${BACKUP_FORMAT_VERSION}`);
        }
        yield { kind: "header", header };
        state = "between";
      } else if (state === "rows") {
        if (line === END_OF_TABLE) state = "between";
        else {
          rows++;
          yield { kind: "row", line };
        }
      } else {
        const part = parseJsonLine<{ table?: string; columns?: string[] } & Partial<BackupTrailer>>(
          file,
          line,
          "a table or the end",
        );
        if (part.end) {
          if (part.tables !== tables || part.rows !== rows) {
            throw new BackupFileError(
              file,
              `it ends with ${part.tables} tables and ${part.rows} rows, not ${tables}, ${rows}`,
            );
          }
          yield { kind: "end", trailer: part as BackupTrailer };
          return;
        }
        if (!part.table || !Array.isArray(part.columns)) throw new BackupFileError(file, "a table section has no name");
        tables++;
        yield { kind: "table", table: part.table, columns: part.columns };
        state = "rows";
      }
    }
    throw new BackupFileError(file, "it ends before its last line (an interrupted backup or a truncated copy)");
  } finally {
    lines.close();
    input.destroy();
    gunzip.destroy();
  }
}

/** Only the header (the restore decides what to do before it reads the rows). */
export async function readBackupHeader(file: string): Promise<BackupHeader> {
  for await (const part of readBackup(file)) {
    if (part.kind === "header") return part.header;
  }
  throw new BackupFileError(file, "it is empty");
}

/** The tables of `schemas` a backup holds (partitions through their parent; Kysely's own bookkeeping left out). */
export async function listTables(
  client: pg.Client,
): Promise<Array<{ oid: number; schema: string; name: string; table: string }>> {
  const { rows } = await client.query<{ oid: number; schema: string; name: string }>(
    `select c.oid::int as oid, n.nspname as schema, c.relname as name
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = any($1) and c.relkind in ('r', 'p') and not c.relispartition
        and not (n.nspname = 'public' and c.relname in ('kysely_migration', 'kysely_migration_lock'))
      order by n.nspname, c.relname`,
    [BACKED_UP_SCHEMAS],
  );
  return rows.map((r) => ({ ...r, table: qualified(r.schema, r.name) }));
}
