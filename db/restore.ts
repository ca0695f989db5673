import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BackupFileError, listTables, quoteIdent, readBackup, type BackupHeader } from "./backup-format";

export type RestoreSummary = { tables: number; rows: number };

/** Whether the database holds any account (a restore then replaces real data, which it does only when forced). */
export async function hasUsers(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ t: string | null }>("select to_regclass('public.users')::text as t");
  if (!rows[0]?.t) return false;
  return (await client.query("select 1 from public.users limit 1")).rowCount! > 0;
}

/**
 * Replaces every row of the app's and pg-boss' tables with the backup's, in one transaction: nothing changes unless
 * the whole file loads. The database must already be at the backup's migration, with pg-boss' schema installed.
 */
export async function loadBackup(client: pg.Client, file: string, header: BackupHeader): Promise<RestoreSummary> {
  let copy: ReturnType<typeof copyFrom> | undefined;
  let copyError: Error | undefined;
  let copyDone: Promise<void> = Promise.resolve();
  await client.query("begin");
  try {
    const targetTables = await listTables(client);
    await matchQueuePartitions(client, header.queues);
    if (targetTables.length) await client.query(`truncate ${targetTables.map((t) => t.table).join(", ")}`);
    // User triggers (audit_log's append-only guard, any later one) are not what is restored: rows go in as they were.
    const triggered = (
      await client.query<{ table: string }>(
        `select distinct tgrelid::regclass::text as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
           join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal and n.nspname in ('public', 'pgboss')`,
      )
    ).rows.map((r) => r.table);
    for (const table of triggered) await client.query(`alter table ${table} disable trigger user`);

    let tables = 0;
    let rows = 0;
    const finish = async () => {
      if (!copy) return;
      copy.end();
      await copyDone;
      copy = undefined;
    };
    let ended = false;
    for await (const part of readBackup(file)) {
      if (part.kind === "table") {
        await finish();
        if (!header.tables.some((t) => t.table === part.table)) {
          throw new BackupFileError(file, `its table ${part.table} is not in its header`);
        }
        copy = client.query(copyFrom(`copy ${part.table} (${part.columns.map(quoteIdent).join(", ")}) from stdin`));
        copy.on("error", (error) => (copyError = error)); // thrown at the next row or at the table's end
        copyDone = finished(copy);
        copyDone.catch(() => {});
        tables++;
      } else if (part.kind === "row") {
        rows++;
        if (copyError) throw copyError;
        if (!copy!.write(`${part.line}\n`)) await Promise.race([once(copy!, "drain"), copyDone]);
      } else if (part.kind === "end") {
        await finish();
        ended = true;
      }
    }
    if (!ended) throw new BackupFileError(file, "it has no end");

    for (const table of triggered) await client.query(`alter table ${table} enable trigger user`);
    for (const { sequence, value, isCalled } of header.sequences) {
      await client.query("select setval($1::regclass, $2::bigint, $3)", [sequence, value, isCalled]);
    }
    await client.query("commit");
    return { tables, rows };
  } catch (error) {
    // A COPY under way must be told to fail (CopyFail) before the connection takes the rollback.
    if (copy && !copy.destroyed) copy.destroy(error as Error);
    await copyDone.catch(() => {});
    await client.query("rollback").catch(() => {});
    throw error;
  }
}

/**
 * pg-boss keeps each queue's jobs in a partition of pgboss.job made when the queue is created: the backup's queues
 * get one (pg-boss' own create_queue), the target's other queues lose theirs, so the jobs land and a later start can
 * create those queues again.
 */
async function matchQueuePartitions(client: pg.Client, queues: string[]): Promise<void> {
  const { rows } = await client.query<{ t: string | null }>("select to_regclass('pgboss.queue')::text as t");
  if (!rows[0]?.t) {
    if (queues.length) throw new Error("The database has no pg-boss schema to load the backup's jobs into");
    return;
  }
  const existing = (
    await client.query<{ name: string; partition: string }>(
      "select name, partition_name as partition from pgboss.queue",
    )
  ).rows;
  const wanted = new Set(queues);
  const stray = existing.filter((q) => !wanted.has(q.name));
  const missing = queues.filter((name) => !existing.some((q) => q.name === name));
  await client.query("truncate pgboss.queue cascade");
  for (const queue of stray) await client.query(`drop table if exists pgboss.${quoteIdent(queue.partition)}`);
  for (const name of missing) await client.query("select pgboss.create_queue($1, '{}'::json)", [name]);
}
