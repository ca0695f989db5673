import { describe, expect, it } from "vitest";
import {
  accountDeletedEmail,
  documentReadyEmail,
  orderFailedEmail,
  orderReceivedEmail,
  paymentConfirmedEmail,
  refundProcessedEmail,
  signInCodeEmail,
} from "./email-templates.server";

const order = {
  id: "0f8e7c1a-1111-4222-8333-944445555666",
  topic: "Tides & <storms>",
  kind: "term_paper",
  pages: 6,
  language: "de",
  price_cents: 3600,
  currency: "eur",
};
const url = "https://tesigo.example";
const english = { email: "a@example.com", locale: null };
const ukrainian = { email: "o@example.com", locale: "uk" };

const everyEmail = (to: { email: string; locale: string | null }) =>
  Promise.all([
    orderReceivedEmail(to, order, url),
    paymentConfirmedEmail(to, order, 3600, url),
    documentReadyEmail(to, order, url, true),
    refundProcessedEmail(to, order, 3600, "quality_threshold", url),
    orderFailedEmail(to, order, 3600, url),
    accountDeletedEmail(to, [{ order, refundCents: 3600 }], 1),
    signInCodeEmail(to, { code: "ABC234", magicLink: `${url}/magic-link?t=tok`, minutes: 15 }),
  ]);

// Words English uses in every one of its emails and no other shipped language writes.
const ENGLISH = /\b(the|your|you|and|with|this|that|from|we|was|is)\b/i;

describe("emails", () => {
  it("say the same in plain text and HTML, with the order's link and an escaped topic", async () => {
    const emails = (await everyEmail(english)).slice(0, 5);
    for (const email of emails) {
      expect(email.to).toBe("a@example.com");
      expect(email.subject).toContain("Tides & <storms>");
      expect(email.text).toContain("Term paper, 6 pages, German");
      expect(email.html).toContain("Tides &amp; &lt;storms&gt;");
      expect(email.html).not.toContain("<storms>");
      expect(email.text).toContain(`${url}/`);
      expect(email.html).toContain(`href="${url}/`);
    }
    expect(emails[0].text).toContain("Price: €36.00");
    expect(emails[1].subject).toBe("Payment confirmed: Tides & <storms>");
    expect(emails[3].subject).toBe("Refund of €36.00: Tides & <storms>");
    expect(emails[3].text).toContain("Reason: We could not write your document to our quality standard. We are sorry.");
  });

  it("mention warnings when the document was delivered with them", async () => {
    expect((await documentReadyEmail(english, order, url, true)).text).toContain("did not pass every quality check");
    expect((await documentReadyEmail(english, order, url, false)).text).not.toContain("quality check");
  });

  it("to an account without a language setting are English, as before", async () => {
    const [received, , , , , deleted, signIn] = await everyEmail(english);
    expect(received.subject).toBe("We received your order: Tides & <storms>");
    expect(deleted.subject).toBe("Your TesiGo account was deleted");
    expect(signIn.subject).toBe("Your TesiGo sign-in code: ABC234");
    expect(signIn.text).toBe(
      `Your sign-in code is ABC234.\n\nOr open this link in the same browser to sign in:\n${url}/magic-link?t=tok\n\nThe code and the link expire in 15 minutes. If you did not ask for them, ignore this email.`,
    );
    expect(signIn.html).toContain(
      `<p>Your sign-in code is <strong style="font-size:20px;letter-spacing:2px">ABC234</strong>.</p><p>Or <a href="${url}/magic-link?t=tok">sign in with this link</a> in the same browser.</p>`,
    );
  });

  it("to a Ukrainian account are Ukrainian: subjects, bodies, the order's words, money and plurals", async () => {
    const emails = await everyEmail(ukrainian);
    const [received, paid, ready, refund, failed, deleted, signIn] = emails;
    expect(received.subject).toBe("Ми отримали ваше замовлення: Tides & <storms>");
    expect(received.text).toContain("Дякуємо за замовлення: Курсова робота, 6 сторінок, Німецька: «Tides & <storms>».");
    expect(received.text).toMatch(/Ціна: 36,00\sEUR\./);
    expect(paid.subject).toBe("Платіж підтверджено: Tides & <storms>");
    expect(ready.text).toContain("Деякі розділи не пройшли всіх перевірок якості");
    expect(refund.subject).toMatch(/^Повернення 36,00\sEUR: Tides & <storms>$/);
    expect(refund.text).toContain(
      "Причина: Нам не вдалося написати ваш документ відповідно до наших стандартів якості.",
    );
    expect(failed.subject).toBe("Ми не змогли завершити ваш документ: Tides & <storms>");
    expect(deleted.subject).toBe("Ваш обліковий запис TesiGo видалено");
    expect(signIn.subject).toBe("Ваш код входу до TesiGo: ABC234");
    expect(signIn.text).toContain("перестануть діяти через 15 хвилин.");
    expect((await signInCodeEmail(ukrainian, { code: "ABC234", magicLink: url, minutes: 2 })).text).toContain(
      "через 2 хвилини.",
    );
    for (const email of emails) {
      const words = `${email.subject}\n${email.text}`.replaceAll("Tides & <storms>", "");
      expect(words, email.subject).not.toMatch(ENGLISH);
      expect(email.html).not.toContain("<storms>");
    }
  });

  it("an unknown or missing setting falls back to English; a reason that is no code is shown as it was given", async () => {
    const forged = await orderReceivedEmail({ email: "x@example.com", locale: "xx" }, order, url);
    expect(forged.subject).toBe("We received your order: Tides & <storms>");
    const refund = await refundProcessedEmail(ukrainian, order, 100, "a refund for the missing chapter", url);
    expect(refund.text).toContain("Причина: a refund for the missing chapter");
  });
});
