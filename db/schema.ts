// The database as Kysely sees it: every table by name, and the row types the code uses. The tables are defined by
// area in db/schema-people.ts, schema-orders.ts, schema-money.ts and schema-operations.ts.
import type { Insertable, Selectable, Updateable } from "kysely";
import type {
  ApiKeysTable,
  IdempotencyKeysTable,
  UsersTable,
  SessionsTable,
  SignInCodesTable,
  ConsentsTable,
  AuditLogTable,
} from "./schema-people";
import type {
  DocumentsTable,
  SectionsTable,
  SectionAttemptsTable,
  SourcesTable,
  SourceFullTextsTable,
  UploadsTable,
  DraftsTable,
  FilesTable,
  DocumentEventsTable,
  DocumentVersionsTable,
} from "./schema-orders";
import type { PaymentsTable, RefundsTable, StripeEventsTable, IncidentsTable } from "./schema-money";
import type { RegenerationsTable } from "./schema-regenerations";
import type { CitationVerdictsTable } from "./schema-citations";
import type { CustomerLlmKeysTable } from "./schema-byok";
import type { WebhookDeliveriesTable, WebhookEndpointsTable, WebhookEventsTable } from "./schema-webhooks";
import type {
  TokenUsageTable,
  ProviderBreakersTable,
  RateLimitsTable,
  ShinglesTable,
  GenerationRatesTable,
  DeadLettersTable,
} from "./schema-operations";

export * from "./schema-people";
export * from "./schema-orders";
export * from "./schema-money";
export * from "./schema-operations";
export * from "./schema-regenerations";
export * from "./schema-byok";
export * from "./schema-webhooks";
export * from "./schema-citations";

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
  sign_in_codes: SignInCodesTable;
  consents: ConsentsTable;
  documents: DocumentsTable;
  sections: SectionsTable;
  section_attempts: SectionAttemptsTable;
  sources: SourcesTable;
  source_full_texts: SourceFullTextsTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  stripe_events: StripeEventsTable;
  uploads: UploadsTable;
  drafts: DraftsTable;
  token_usage: TokenUsageTable;
  provider_breakers: ProviderBreakersTable;
  rate_limits: RateLimitsTable;
  shingles: ShinglesTable;
  generation_rates: GenerationRatesTable;
  audit_log: AuditLogTable;
  incidents: IncidentsTable;
  files: FilesTable;
  document_events: DocumentEventsTable;
  dead_letters: DeadLettersTable;
  document_versions: DocumentVersionsTable;
  regenerations: RegenerationsTable;
  customer_llm_keys: CustomerLlmKeysTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  citation_verdicts: CitationVerdictsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type Document = Selectable<DocumentsTable>;
export type NewDocument = Insertable<DocumentsTable>;
export type DocumentUpdate = Updateable<DocumentsTable>;
export type Section = Selectable<SectionsTable>;
export type Payment = Selectable<PaymentsTable>;
export type Refund = Selectable<RefundsTable>;
export type Incident = Selectable<IncidentsTable>;
export type Regeneration = Selectable<RegenerationsTable>;
