// Every form action of the app, as the attack suites post it (issue 16 item 16, issue 23 item 2): where it is posted,
// the page showing its form, a body it accepts, what it writes. tests/security/requests.test.ts checks each field
// against control characters; tests/security/fuzz-forms-*.test.ts posts generated bodies to each.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { insertDeliveredDocument } from "../setup/documents";
import { type App, Client, type Reply, signedInCustomer } from "./app";
import { orderAfterTopic } from "./money-app";

export type Ctx = { client: Client; userId: string; orderId: string };

export type FormAction = {
  /** The route file under app/routes/ whose action this is. */
  route: string;
  /** Where the action is posted, and the page showing its form(s). */
  path: (ctx: Ctx) => string;
  page: (ctx: Ctx) => string;
  /** A submission the action would accept; every field of the page's form(s) for this action is here. */
  valid: Record<string, string>;
  /** Fields posted as files, not text. */
  files?: string[];
  /** Everything the action could write, to compare before and after. */
  written: (ctx: Ctx) => Promise<unknown>;
  /** Makes the page show every form of the action (e.g. a pending sign-in code). */
  prepare?: (ctx: Ctx) => Promise<void>;
  /** Sent by someone not signed in (the sign-in page sends the signed-in elsewhere). */
  anonymous?: boolean;
};

/** The wizard's first step (a new order, or a draft's topic changed): the same fields either way. */
const TOPIC_STEP = {
  kind: "essay",
  topic: "Renewable energy in Europe",
  discipline: "Economics",
  institution: "University of Bologna",
};

/** Every form action, on the running `app` (read when an action's `written` or `prepare` runs: after beforeAll). */
export function formActions(app: () => App): FormAction[] {
  /** What asking for or trying a sign-in code leaves: its counters, users, sessions and mail. */
  const signInTraces = async () => [
    await app().db.selectFrom("rate_limits").selectAll().where("key", "like", "signin:%").orderBy("key").execute(),
    await app().db.selectFrom("users").select("id").orderBy("id").execute(),
    await app().db.selectFrom("sessions").select("id").orderBy("id").execute(),
    mailCount(),
  ];

  function mailCount(): number {
    try {
      return readdirSync(path.join(app().dataDir, "mail")).length;
    } catch {
      return 0; // no mail written yet
    }
  }

  const documentRow = (ctx: Ctx) =>
    app().db.selectFrom("documents").selectAll().where("user_id", "=", ctx.userId).orderBy("id").execute();

  /** Makes the test's customer an admin (their session follows at once), for the admin pages' forms. */
  const makeAdmin = (ctx: Ctx) =>
    app().db.updateTable("users").set({ role: "admin" }).where("id", "=", ctx.userId).execute();

  /** The delivered document whose section's regeneration page is tested (issue 21). */
  let regenerationDocumentId = "";
  /** The delivered document whose edit page is tested. */
  let editedDocument = "";

  /** The account whose admin page is tested (another customer: an admin's own page offers no disable form). */
  let accountOnAdminPage = "";
  /** The delivered document whose version 1 a versions page offers to restore (issue 21). */
  let versionedDocument = "";
  const versionsWritten = async () => [
    await app().db.selectFrom("document_versions").selectAll().where("document_id", "=", versionedDocument).execute(),
    await app().db.selectFrom("sections").selectAll().where("document_id", "=", versionedDocument).execute(),
    await app().db.selectFrom("audit_log").selectAll().where("target_id", "=", versionedDocument).execute(),
  ];

  /** The endpoint and delivery whose log page shows the Resend form (made by its `prepare`). */
  const resendForm = { endpointId: "", valid: { intent: "resend", deliveryId: "" } };

  return [
    {
      route: "language.tsx",
      path: () => "/language",
      page: () => "/documents",
      valid: { lng: "uk", redirectTo: "/documents" },
      written: (ctx) => app().db.selectFrom("users").select("locale").where("id", "=", ctx.userId).execute(),
    },
    {
      route: "account._index.tsx",
      path: () => "/account?index",
      page: () => "/account",
      valid: { lng: "it" },
      written: (ctx) => app().db.selectFrom("users").select("locale").where("id", "=", ctx.userId).execute(),
    },
    {
      route: "login.tsx",
      path: () => "/login",
      page: () => "/login",
      valid: { email: "someone@example.com" },
      anonymous: true,
      written: signInTraces,
    },
    {
      route: "login.tsx",
      path: () => "/login",
      page: () => "/login",
      valid: { code: "ABC234" },
      anonymous: true,
      // The code form shows once a code was asked for.
      prepare: async (ctx) => void (await ctx.client.post("/login", { email: `code-${ctx.userId}@example.com` })),
      written: signInTraces,
    },
    {
      route: "welcome.tsx",
      path: () => "/welcome?redirectTo=/documents",
      page: () => "/welcome?redirectTo=/documents",
      valid: { name: "Ada Lovelace", essential: "on", analytics: "on", marketing: "on", redirectTo: "/documents" },
      // The welcome page asks for consent only from someone who has not given it.
      prepare: async (ctx) => void (await app().db.deleteFrom("consents").where("user_id", "=", ctx.userId).execute()),
      written: async (ctx) => [
        await app().db.selectFrom("consents").selectAll().where("user_id", "=", ctx.userId).execute(),
        await app().db.selectFrom("users").select(["name"]).where("id", "=", ctx.userId).execute(),
      ],
    },
    {
      route: "orders.new.tsx",
      path: () => "/orders/new",
      page: () => "/orders/new",
      valid: TOPIC_STEP,
      written: documentRow,
    },
    {
      route: "orders.$id.topic.tsx",
      path: (ctx) => `/orders/${ctx.orderId}/topic`,
      page: (ctx) => `/orders/${ctx.orderId}/topic`,
      valid: TOPIC_STEP,
      written: documentRow,
    },
    {
      route: "orders.$id.details.tsx",
      path: (ctx) => `/orders/${ctx.orderId}/details`,
      page: (ctx) => `/orders/${ctx.orderId}/details`,
      valid: { pages: "12", language: "en", citationStyle: "apa7", express: "on" },
      written: documentRow,
    },
    {
      route: "orders.$id.requirements.tsx",
      path: (ctx) => `/orders/${ctx.orderId}/requirements`,
      page: (ctx) => `/orders/${ctx.orderId}/requirements`,
      valid: { intent: "continue", instructions: "Use APA style.\nCompare three countries.\tThank you." },
      files: ["file"],
      written: async (ctx) => [
        await documentRow(ctx),
        await app().db.selectFrom("uploads").selectAll().where("user_id", "=", ctx.userId).execute(),
      ],
    },
    {
      route: "orders.$id.references.tsx",
      path: (ctx) => `/orders/${ctx.orderId}/references`,
      page: (ctx) => `/orders/${ctx.orderId}/references`,
      valid: { intent: "remove" },
      files: ["file"],
      // One stored reference, so the page shows its removal form too.
      prepare: async (ctx) => {
        await app()
          .db.insertInto("sources")
          .values({
            document_id: ctx.orderId,
            key: "own1",
            title: "Water in cities",
            csl: JSON.stringify({ id: "own1", title: "Water in cities" }),
            priority: true,
            import_position: 1,
            resolution: "pending",
          })
          .execute();
      },
      written: (ctx) => app().db.selectFrom("sources").selectAll().where("document_id", "=", ctx.orderId).execute(),
    },
    {
      route: "orders.$id.review.tsx",
      path: (ctx) => `/orders/${ctx.orderId}/review`,
      page: (ctx) => `/orders/${ctx.orderId}/review`,
      valid: { intent: "dev" },
      written: async (ctx) => [await documentRow(ctx), await app().db.selectFrom("payments").selectAll().execute()],
    },
    {
      route: "account.api-keys.tsx",
      path: () => "/account/api-keys",
      page: () => "/account/api-keys",
      valid: { intent: "create", name: "Grading portal", scopes: "orders:read" },
      written: (ctx) =>
        app().db.selectFrom("api_keys").select(["id", "name"]).where("user_id", "=", ctx.userId).execute(),
    },
    {
      route: "account.llm-key.tsx",
      path: () => "/account/llm-key",
      page: () => "/account/llm-key",
      valid: {
        intent: "save",
        provider: "compat",
        model: "llama3.1",
        baseUrl: "http://127.0.0.1:9/v1",
        apiKey: "sk-customer-own-key-0000",
        fallback: "on",
      },
      written: (ctx) =>
        app().db.selectFrom("customer_llm_keys").select(["id", "last4"]).where("user_id", "=", ctx.userId).execute(),
    },
    {
      route: "account.webhooks.tsx",
      path: () => "/account/webhooks",
      page: () => "/account/webhooks",
      valid: { intent: "create", url: "https://hooks.example.com/tesigo", events: "order.paid" },
      written: (ctx) =>
        app().db.selectFrom("webhook_endpoints").select(["id", "url"]).where("user_id", "=", ctx.userId).execute(),
    },
    {
      route: "account.webhooks_.$id.tsx",
      path: () => `/account/webhooks/${resendForm.endpointId}`,
      page: () => `/account/webhooks/${resendForm.endpointId}`,
      valid: resendForm.valid,
      prepare: async (ctx) => {
        const endpoint = await app()
          .db.insertInto("webhook_endpoints")
          .values({
            user_id: ctx.userId,
            url: "https://hooks.example.com/tesigo",
            events: ["order.paid"],
            secret: "whsec_x",
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const event = await app()
          .db.insertInto("webhook_events")
          .values({ user_id: ctx.userId, document_id: ctx.orderId, type: "order.paid", data: "{}" })
          .returning("id")
          .executeTakeFirstOrThrow();
        const delivery = await app()
          .db.insertInto("webhook_deliveries")
          .values({ event_id: event.id, endpoint_id: endpoint.id })
          .returning("id")
          .executeTakeFirstOrThrow();
        resendForm.endpointId = endpoint.id;
        resendForm.valid.deliveryId = delivery.id;
      },
      written: () =>
        app()
          .db.selectFrom("webhook_deliveries")
          .select("id")
          .where("endpoint_id", "=", resendForm.endpointId)
          .execute(),
    },
    {
      route: "account.delete.tsx",
      path: () => "/account/delete",
      page: () => "/account/delete",
      valid: { email: "" }, // set to the customer's address in the test
      written: (ctx) => app().db.selectFrom("users").selectAll().where("id", "=", ctx.userId).execute(),
    },
    {
      route: "admin.providers.tsx",
      path: () => "/admin/providers",
      page: () => "/admin/providers",
      valid: { provider: "openalex", intent: "force_open", reason: "OpenAlex answers 503 for an hour" },
      prepare: async (ctx) => {
        await makeAdmin(ctx);
        // A breaker row, so the page shows that provider's form.
        await app()
          .db.insertInto("provider_breakers")
          .values({ provider: "openalex", failure_times: "[]", updated_at: new Date() })
          .onConflict((oc) => oc.column("provider").doNothing())
          .execute();
      },
      written: async () => [
        await app().db.selectFrom("provider_breakers").selectAll().orderBy("provider").execute(),
        await app().db.selectFrom("audit_log").select("id").execute(),
      ],
    },
    {
      route: "admin.users.$id.tsx",
      path: () => `/admin/users/${accountOnAdminPage}`,
      page: () => `/admin/users/${accountOnAdminPage}`,
      valid: { intent: "disable", confirmation: "DISABLE", reason: "chargebacks on three orders" },
      prepare: async (ctx) => {
        await makeAdmin(ctx);
        accountOnAdminPage = (await signedInCustomer(app())).userId;
      },
      written: async () => [
        await app().db.selectFrom("users").selectAll().where("id", "=", accountOnAdminPage).execute(),
        await app().db.selectFrom("sessions").selectAll().where("user_id", "=", accountOnAdminPage).execute(),
        await app().db.selectFrom("audit_log").select("id").execute(),
      ],
    },
    {
      route: "logout.tsx",
      path: () => "/logout",
      page: () => "/documents",
      valid: { everywhere: "true" },
      written: (ctx) => app().db.selectFrom("sessions").selectAll().where("user_id", "=", ctx.userId).execute(),
    },
    {
      route: "admin.jobs.tsx",
      path: () => "/admin/jobs",
      page: () => "/admin/jobs",
      valid: { intent: "discard", ids: "7d0c3c1e-5b1a-4c2e-9f3d-2a1b0c9d8e7f", reason: "an address that bounces" },
      // An admin's page, showing its forms once a dead letter waits.
      prepare: async (ctx) => {
        await app().db.updateTable("users").set({ role: "admin" }).where("id", "=", ctx.userId).execute();
        await app()
          .db.insertInto("dead_letters")
          .values({ id: "7d0c3c1e-5b1a-4c2e-9f3d-2a1b0c9d8e7f", queue: "email.send", payload: "{}", error: "bounced" })
          .onConflict((oc) => oc.column("id").doNothing())
          .execute();
      },
      written: async () => [
        await app().db.selectFrom("dead_letters").selectAll().execute(),
        await app().db.selectFrom("audit_log").selectAll().where("action", "like", "job.%").execute(),
      ],
    },
    {
      route: "admin.documents.$id.tsx",
      path: (ctx) => `/admin/documents/${ctx.orderId}`,
      page: (ctx) => `/admin/documents/${ctx.orderId}`,
      // An unpaid order's page holds the retry form only; the refund form's typed fields are attacked in admin-orders.
      valid: { intent: "retry" },
      prepare: async (ctx) =>
        void (await app().db.updateTable("users").set({ role: "admin" }).where("id", "=", ctx.userId).execute()),
      written: async (ctx) => [
        await documentRow(ctx),
        await app().db.selectFrom("audit_log").selectAll().where("target_id", "=", ctx.orderId).execute(),
      ],
    },
    {
      route: "documents.$id_.versions.$number.tsx",
      path: () => `/documents/${versionedDocument}/versions/1`,
      page: () => `/documents/${versionedDocument}/versions/1`,
      valid: { intent: "restore" },
      prepare: async (ctx) => void (versionedDocument = (await insertDeliveredDocument(app().db, ctx.userId)).id),
      written: versionsWritten,
    },
    {
      route: "admin.documents.$id_.versions.$number.tsx",
      path: () => `/admin/documents/${versionedDocument}/versions/1`,
      page: () => `/admin/documents/${versionedDocument}/versions/1`,
      valid: { intent: "restore", reason: "the customer asked support to undo an edit" },
      prepare: async (ctx) => {
        await makeAdmin(ctx);
        versionedDocument = (await insertDeliveredDocument(app().db, (await signedInCustomer(app())).userId)).id;
      },
      written: versionsWritten,
    },
    {
      route: "documents.$id_.sections.$index_.regenerate.tsx",
      path: () => `/documents/${regenerationDocumentId}/sections/1/regenerate`,
      page: () => `/documents/${regenerationDocumentId}/sections/1/regenerate`,
      valid: { intent: "regenerate", instruction: "Make it more critical" },
      prepare: async (ctx) =>
        void ({ id: regenerationDocumentId } = await insertDeliveredDocument(app().db, ctx.userId)),
      written: async () => [
        await app()
          .db.selectFrom("regenerations")
          .selectAll()
          .where("document_id", "=", regenerationDocumentId)
          .execute(),
        await app().db.selectFrom("sections").selectAll().where("document_id", "=", regenerationDocumentId).execute(),
      ],
    },
    {
      route: "documents.$id_.sections.$index.ts",
      path: () => `/documents/${editedDocument}/sections/0`,
      page: () => `/documents/${editedDocument}/edit`,
      valid: { content: "Le biblioteche pubbliche, riviste.", revision: "0" },
      prepare: async (ctx) => void (editedDocument = (await insertDeliveredDocument(app().db, ctx.userId)).id),
      written: () =>
        app()
          .db.selectFrom("sections")
          .select(["index", "content", "revision"])
          .where("document_id", "=", editedDocument)
          .orderBy("index")
          .execute(),
    },
  ];
}

/** Routes with an action that is not a form a person fills in. */
export const NOT_FORMS: Record<string, string> = {
  "api.stripe.webhook.ts": "Stripe's signed JSON; its body cap: requests.test.ts",
  // The public API (issue 22): JSON or multipart with a bearer key, refused by the wizard's schemas (api-orders.test.ts).
  "api.v1.quotes.ts": "JSON API; control characters: api-orders.test.ts",
  "api.v1.orders.ts": "JSON API; control characters: api-orders.test.ts",
  "api.v1.orders.$id.checkout.ts": "JSON API without a body",
  "api.v1.orders.$id.dev-payment.ts": "JSON API without a body",
  "api.v1.orders.$id.requirements.ts": "the API's upload: the web's upload checks (api-orders.test.ts)",
  "api.v1.orders.$id.ts": "API: its action only answers 405",
  "api.v1.orders.$id.files.$format.ts": "API: its action only answers 405",
  "api.v1.openapi[.]json.ts": "API: its action only answers 405",
  "api.v1.$.ts": "API: unknown paths answer a JSON 404",
};

/** The names of the fields of the page's POST forms that go to `action`. */
export function fieldNames(html: string, action: string): Set<string> {
  const names = new Set<string>();
  for (const form of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attributes = form[1]!;
    if (!/method="post"/i.test(attributes)) continue;
    const target = /\baction="([^"]*)"/.exec(attributes)?.[1]?.replace(/&amp;/g, "&");
    if (target !== action) continue;
    for (const field of form[2]!.matchAll(/<(?:input|select|textarea|button)\b[^>]*\bname="([^"]*)"/g))
      names.add(field[1]!);
  }
  return names;
}

export function routesWithActions(): string[] {
  const dir = path.resolve(import.meta.dirname, "../../app/routes");
  return readdirSync(dir).filter((file) =>
    /export (async )?function action\b|export const action\b/.test(readFileSync(path.join(dir, file), "utf8")),
  );
}

/** A readable message for the person: the field's error beside it, the refusal page's, or `{ error }`. */
export function messageOf(reply: Reply): string {
  if (reply.headers.get("content-type")?.startsWith("application/json"))
    return String(JSON.parse(reply.text).error ?? "");
  const alerts = [...reply.text.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:ul|p|div)>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, " ").trim(),
  );
  return alerts.filter(Boolean).join(" | ");
}

/**
 * A fresh customer with a draft order, ready for `action`: its client (anonymous for the sign-in page), `prepare` run,
 * and the body it accepts (the account deletion's is the customer's own address).
 */
export async function formContext(
  app: App,
  action: FormAction,
): Promise<{ ctx: Ctx; valid: Record<string, string>; email: string }> {
  const customer = await signedInCustomer(app);
  const orderId = await orderAfterTopic(customer.client);
  const { userId, email } = customer;
  const ctx: Ctx = { client: action.anonymous ? new Client(app) : customer.client, userId, orderId };
  await action.prepare?.(ctx);
  const valid = action.route === "account.delete.tsx" ? { email } : { ...action.valid };
  return { ctx, valid, email };
}
