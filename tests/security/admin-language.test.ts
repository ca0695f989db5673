// Issue 19, item 1 (the admin area): an admin reads the admin pages, their refusals and their numbers in the admin's
// language, over HTTP against the running app; what an admin types (DISABLE, REFUND) and codes stay as they are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatNumber } from "../../app/utils/format";
import { formatMoney } from "../../app/utils/pricing";
import { type App, type Client, signedInCustomer, startApp } from "./app";

let app: App;
let admin: Client;
let adminId: string;
let customerId: string;

const TOKEN_LIMIT = 1234567;

beforeAll(async () => {
  app = await startApp({ ROLE: "web", DAILY_TOKEN_LIMIT: String(TOKEN_LIMIT) });
  const signedIn = await signedInCustomer(app, "language-admin@example.com");
  admin = signedIn.client;
  adminId = signedIn.userId;
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", adminId).execute();
  customerId = (await signedInCustomer(app, "language-customer@example.com")).userId;
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

/** What a reader sees: no scripts (the page's data), no tags, entities and spaces as one space. */
function visible(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replaceAll("&#x27;", "'")
    .replaceAll("&quot;", '"')
    .replace(/\s+/g, " ");
}

/** An order of the customer's, still a draft; with a succeeded payment of `paidCents` when given. */
async function orderOf(userId: string, topic: string, paidCents?: number) {
  const { id } = await app.db
    .insertInto("documents")
    .values({
      user_id: userId,
      topic,
      pages: 5,
      language: "en",
      price_cents: 2500,
      quality_warnings: JSON.stringify([]),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (paidCents === undefined) return { id, paymentId: "" };
  const payment = await app.db
    .insertInto("payments")
    .values({
      document_id: id,
      user_id: userId,
      provider: "dev",
      amount_cents: paidCents,
      currency: "eur",
      status: "succeeded",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id, paymentId: payment.id };
}

const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe("the admin area speaks the admin's language", () => {
  it("an Italian admin who tries to disable their own account is refused in Italian, not English", async () => {
    const reply = await admin.post(
      `/admin/users/${adminId}`,
      { intent: "disable", confirmation: "DISABLE", reason: "trying to lock myself out" },
      { "accept-language": "it" },
    );
    expect(reply.status).toBe(400);
    const text = visible(reply.text);
    expect(text).toContain("Non puoi disattivare il tuo account: chiedi a un altro amministratore di farlo.");
    expect(text).not.toContain("You cannot disable your own account");
    const me = await app.db.selectFrom("users").select("disabled_at").where("id", "=", adminId).executeTakeFirst();
    expect(me?.disabled_at).toBeNull();
  });

  it("a German admin is told in German that a made-up provider does not exist, and nothing is audited", async () => {
    const reply = await admin.post(
      "/admin/providers",
      { provider: "no-such-provider", intent: "force_open", reason: "a test of a made-up name" },
      { "accept-language": "de" },
    );
    expect(reply.status).toBe(400);
    expect(visible(reply.text)).toContain(
      "Kein Anbieter heißt „no-such-provider“: Wählen Sie einen der hier aufgeführten.",
    );
    const audits = await app.db
      .selectFrom("audit_log")
      .select("action")
      .where("target_type", "=", "provider")
      .execute();
    expect(audits).toEqual([]);
  });

  it("a Spanish admin who retries a dead letter that does not exist is told so in Spanish, not in English", async () => {
    const id = "3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f";
    const reply = await admin.post("/admin/jobs", { intent: "retry", ids: id }, { "accept-language": "es" });
    expect(reply.status).toBe(400);
    expect(visible(reply.text)).toContain(`No se ha hecho nada: ninguna tarea fallida tiene el id ${id}`);
    expect(visible(reply.text)).not.toContain("Nothing was done");
  });

  it("an Italian admin who retries a draft order is told in Italian, with the order's state in Italian", async () => {
    const { id } = await orderOf(customerId, "A draft an admin tries to retry");
    const reply = await admin.post(`/admin/documents/${id}`, { intent: "retry" }, { "accept-language": "it" });
    expect(reply.status).toBe(409);
    const text = visible(reply.text);
    expect(text).toContain("Si può ritentare solo un ordine fallito o bloccato; lo stato di questo è «Bozza».");
    expect(text).not.toContain("Only a failed or stuck order can be retried");
    const order = await app.db.selectFrom("documents").select("status").where("id", "=", id).executeTakeFirst();
    expect(order?.status).toBe("draft");
  });

  it("a German admin who refunds more than was paid is refused in German, with the sums written the German way", async () => {
    const { id, paymentId } = await orderOf(customerId, "An order refunded beyond its payment", 2500);
    const reply = await admin.post(
      `/admin/documents/${id}`,
      {
        intent: "refund",
        paymentId,
        requestId: "8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        amount: "25,01",
        confirmation: "REFUND",
        reason: "A goodwill refund larger than the payment",
      },
      { "accept-language": "de" },
    );
    expect(reply.status).toBe(400);
    const euros = (cents: number) => formatMoney(cents, "eur", "de").replace(/\s/g, " ");
    expect(euros(2500)).toBe("25,00 €");
    expect(visible(reply.text)).toContain(
      `Von dieser Zahlung sind höchstens ${euros(2500)} zu erstatten übrig (bezahlt ${euros(2500)}, erstattet oder in Erstattung ${euros(0)}).`,
    );
    expect(visible(reply.text)).not.toContain("€25.00");
    expect(await app.db.selectFrom("refunds").select("id").where("payment_id", "=", paymentId).execute()).toEqual([]);
  });

  it("a French admin reads why a dead letter of a refunded order cannot be retried in French, on the page and when trying", async () => {
    const { id: documentId } = await orderOf(customerId, "A refunded order whose review died");
    await app.db.updateTable("documents").set({ status: "refunded" }).where("id", "=", documentId).execute();
    const letterId = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
    await app.db
      .insertInto("dead_letters")
      .values({
        id: letterId,
        queue: "document.review",
        payload: JSON.stringify({ documentId }),
        document_id: documentId,
      })
      .execute();
    const why =
      "sa commande a échoué et a été remboursée en totalité : une tâche document.review renvoyée la trouverait ainsi et ne ferait rien, sans annuler de remboursement.";

    const page = await admin.get("/admin/jobs", { accept: "text/html", "accept-language": "fr" });
    expect(page.status).toBe(200);
    expect(visible(page.text)).toContain(`Relance refusée : ${why}`);
    expect(visible(page.text)).not.toContain("Retry is refused");

    const reply = await admin.post("/admin/jobs", { intent: "retry", ids: letterId }, { "accept-language": "fr" });
    expect(reply.status).toBe(409);
    expect(visible(reply.text)).toContain(why);
    expect(visible(reply.text)).not.toContain("its order is");
    const letter = await app.db
      .selectFrom("dead_letters")
      .select("handled_at")
      .where("id", "=", letterId)
      .executeTakeFirstOrThrow();
    expect(letter.handled_at).toBeNull();
  });

  it("the token budget is written the Ukrainian and the German way, not the English one", async () => {
    const ukrainian = await admin.get("/admin/providers", { accept: "text/html", "accept-language": "uk" });
    expect(ukrainian.status).toBe(200);
    expect(formatNumber(TOKEN_LIMIT, "uk")).not.toBe("1,234,567");
    // Ukrainian groups digits with a no-break space, which visible() writes as a plain one.
    expect(visible(ukrainian.text)).toContain(
      `${formatNumber(TOKEN_LIMIT, "uk").replace(/\s/g, " ")} (використано 0 %)`,
    );
    expect(visible(ukrainian.text)).toContain("Денний бюджет токенів");

    const german = await admin.get("/admin/providers", { accept: "text/html", "accept-language": "de" });
    expect(visible(german.text)).toContain("1.234.567 (0 % verbraucht)");
    expect(visible(german.text)).not.toContain("1,234,567");
  });

  it("each admin page's title is in the admin's language (and stays English for an English reader)", async () => {
    const pages: [string, string, string][] = [
      ["/admin", "Огляд · Адміністрування · TesiGo", "Dashboard · Admin · TesiGo"],
      ["/admin/documents", "Замовлення · Адміністрування · TesiGo", "Orders · Admin · TesiGo"],
      ["/admin/jobs", "Завдання · Адміністрування · TesiGo", "Jobs · Admin · TesiGo"],
      ["/admin/providers", "Постачальники · Адміністрування · TesiGo", "Providers · Admin · TesiGo"],
      ["/admin/users", "Користувачі · Адміністрування · TesiGo", "Users · Admin · TesiGo"],
      ["/admin/audit", "Журнал аудиту · Адміністрування · TesiGo", "Audit log · Admin · TesiGo"],
    ];
    for (const [path, ukrainian, english] of pages) {
      expect(titleOf((await admin.get(path, { accept: "text/html", "accept-language": "uk" })).text), path).toBe(
        ukrainian,
      );
      expect(titleOf((await admin.get(path, { accept: "text/html", "accept-language": "en" })).text), path).toBe(
        english,
      );
    }
  });

  it("the word an admin types to confirm stays DISABLE in French, and the label says to type it", async () => {
    const reply = await admin.get(`/admin/users/${customerId}`, { accept: "text/html", "accept-language": "fr" });
    expect(reply.status).toBe(200);
    expect(visible(reply.text)).toContain("Saisissez DISABLE pour confirmer");
    expect(reply.text).toContain('pattern="DISABLE"');
    expect(visible(reply.text)).toContain("Désactiver le compte");
  });
});
