import { describe, expect, it } from "vitest";
import {
  documentReadyEmail,
  orderReceivedEmail,
  paymentConfirmedEmail,
  refundProcessedEmail,
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

describe("emails", () => {
  it("say the same in plain text and HTML, with the order's link and an escaped topic", () => {
    const emails = [
      orderReceivedEmail("a@example.com", order, url),
      paymentConfirmedEmail("a@example.com", order, 3600, url),
      documentReadyEmail("a@example.com", order, url, false),
      refundProcessedEmail(
        "a@example.com",
        order,
        3600,
        "We could not write your document to our quality standard.",
        url,
      ),
    ];
    for (const email of emails) {
      expect(email.to).toBe("a@example.com");
      expect(email.subject).toContain("Tides & <storms>");
      expect(email.text).toContain("Term paper, 6 pages, Deutsch");
      expect(email.html).toContain("Tides &amp; &lt;storms&gt;");
      expect(email.html).not.toContain("<storms>");
      expect(email.text).toContain(`${url}/`);
      expect(email.html).toContain(`href="${url}/`);
    }
    expect(emails[0].text).toContain("Price: €36.00");
    expect(emails[1].subject).toBe("Payment confirmed: Tides & <storms>");
    expect(emails[3].subject).toBe("Refund of €36.00: Tides & <storms>");
    expect(emails[3].text).toContain("quality standard");
  });

  it("mention warnings when the document was delivered with them", () => {
    expect(documentReadyEmail("a@example.com", order, url, true).text).toContain("did not pass every quality check");
    expect(documentReadyEmail("a@example.com", order, url, false).text).not.toContain("quality check");
  });
});
