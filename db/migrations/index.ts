// Every migration, by name, in the order they apply. Listed here (not read from the folder at run time) so the compiled
// server (build/server.js) carries them; db/migrate.test.ts fails when a file of this folder is missing.
import type { Migration } from "kysely";
import * as initial from "./2026_11_21_0000_initial";
import * as reviewAndExports from "./2026_11_22_0000_review_and_exports";
import * as sectionsFinished from "./2026_12_01_0000_sections_finished";
import * as shingleHash from "./2026_12_01_0001_shingle_hash";
import * as sectionContentMd5 from "./2026_12_01_0002_section_content_md5";
import * as signInCodes from "./2026_12_06_0000_sign_in_codes";
import * as moneyTrail from "./2026_12_06_0100_money_trail";
import * as shinglesHashVersion from "./2026_12_06_0300_shingles_hash_version";
import * as admin from "./2026_12_06_0400_admin";
import * as documentEvents from "./2026_12_06_0600_document_events";
import * as breakersForced from "./2026_12_06_0700_breakers_forced";
import * as files from "./2026_12_06_0800_files";
import * as deadLetters from "./2026_12_06_0900_dead_letters";
import * as userLocale from "./2026_12_06_1000_user_locale";
import * as documentContentMd5 from "./2026_12_07_0000_document_content_md5";
import * as rateLimitsUnlogged from "./2026_12_07_0100_rate_limits_unlogged";
import * as documentVersions from "./2026_12_07_0200_document_versions";
import * as textRevisions from "./2026_12_07_0300_text_revisions";
import * as editChecks from "./2026_12_07_0310_edit_checks";
import * as apiKeys from "./2026_12_07_0600_api_keys";
import * as regenerations from "./2026_12_07_0700_regenerations";
import * as idempotencyKeys from "./2026_12_07_0800_idempotency_keys";
import * as webhooks from "./2026_12_07_0810_webhooks";
import * as customerLlmKeys from "./2026_12_07_0820_customer_llm_keys";
import * as customerReferences from "./2026_12_07_0830_customer_references";
import * as citationVerdicts from "./2026_12_07_0900_citation_verdicts";
import * as sourceFullTexts from "./2026_12_07_0910_source_full_texts";

export const MIGRATIONS: Record<string, Migration> = {
  "2026_11_21_0000_initial": initial,
  "2026_11_22_0000_review_and_exports": reviewAndExports,
  "2026_12_01_0000_sections_finished": sectionsFinished,
  "2026_12_01_0001_shingle_hash": shingleHash,
  "2026_12_01_0002_section_content_md5": sectionContentMd5,
  "2026_12_06_0000_sign_in_codes": signInCodes,
  "2026_12_06_0100_money_trail": moneyTrail,
  "2026_12_06_0300_shingles_hash_version": shinglesHashVersion,
  "2026_12_06_0400_admin": admin,
  "2026_12_06_0600_document_events": documentEvents,
  "2026_12_06_0700_breakers_forced": breakersForced,
  "2026_12_06_0800_files": files,
  "2026_12_06_0900_dead_letters": deadLetters,
  "2026_12_06_1000_user_locale": userLocale,
  "2026_12_07_0000_document_content_md5": documentContentMd5,
  "2026_12_07_0100_rate_limits_unlogged": rateLimitsUnlogged,
  "2026_12_07_0200_document_versions": documentVersions,
  "2026_12_07_0300_text_revisions": textRevisions,
  "2026_12_07_0310_edit_checks": editChecks,
  "2026_12_07_0600_api_keys": apiKeys,
  "2026_12_07_0700_regenerations": regenerations,
  "2026_12_07_0800_idempotency_keys": idempotencyKeys,
  "2026_12_07_0810_webhooks": webhooks,
  "2026_12_07_0820_customer_llm_keys": customerLlmKeys,
  "2026_12_07_0830_customer_references": customerReferences,
  "2026_12_07_0900_citation_verdicts": citationVerdicts,
  "2026_12_07_0910_source_full_texts": sourceFullTexts,
};
