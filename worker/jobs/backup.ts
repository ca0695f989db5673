import { promises as fs } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";
import pg from "pg";
import { writeBackup, type BackupSummary } from "../../db/backup";

export type ScheduledBackupSettings = {
  connectionString: string;
  dir: string;
  keep: number;
  files: "postgres" | "s3";
};

/** The names the scheduled backup gives its files (and the only files its retention ever deletes). */
const SCHEDULED_NAME = /^tesigo-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.backup\.gz$/;

export function scheduledBackupName(at: Date): string {
  return `tesigo-${at.toISOString().slice(0, 19).replaceAll(":", "-")}Z.backup.gz`;
}

/**
 * The scheduled backup: a backup of the whole database into BACKUP_DIR, then only the BACKUP_KEEP newest scheduled
 * backups are kept (other files in the folder are never touched). A second delivery of the same job in the same
 * second finds its file written and does nothing.
 */
export async function writeScheduledBackup(
  settings: ScheduledBackupSettings,
  log: Logger,
  at = new Date(),
): Promise<{ file: string; summary: BackupSummary | null; deleted: string[] }> {
  await fs.mkdir(settings.dir, { recursive: true });
  const file = path.join(settings.dir, scheduledBackupName(at));
  let summary: BackupSummary | null = null;
  const exists = await fs.access(file).then(
    () => true,
    () => false,
  );
  if (!exists) {
    const client = new pg.Client({ connectionString: settings.connectionString });
    await client.connect();
    try {
      summary = await writeBackup(client, file, { files: settings.files });
    } finally {
      await client.end();
    }
  }
  const scheduled = (await fs.readdir(settings.dir)).filter((name) => SCHEDULED_NAME.test(name)).sort();
  const deleted = scheduled.slice(0, Math.max(0, scheduled.length - settings.keep));
  for (const name of deleted) await fs.rm(path.join(settings.dir, name), { force: true });
  log.info({ file, tables: summary?.tables, rows: summary?.rows, bytes: summary?.bytes, deleted }, "backup written");
  return { file, summary, deleted };
}
