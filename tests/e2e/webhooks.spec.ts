import { expect, test } from "@playwright/test";
import { startWebhookReceiver } from "../fakes/webhook-receiver";
import { orderAndPay, signUp } from "./helpers";

// Issue 22, item 5: a customer adds a webhook endpoint from the account page, copies its secret (shown once), pays an
// order, and finds the signed order.paid delivery in the endpoint's log, then sends it again.
test("a customer adds a webhook endpoint, sees its secret once, and resends a delivery from its log", async ({
  page,
}, testInfo) => {
  const receiver = await startWebhookReceiver();
  try {
    await signUp(page, testInfo, "webhooks");
    await page.goto("/account");
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await page.getByLabel("Endpoint URL").fill(`${receiver.url}/orders`);
    await page.getByRole("button", { name: "Add endpoint" }).click();
    const secret = page.getByLabel("Signing secret of the new endpoint");
    await expect(secret).toHaveValue(/^whsec_[A-Za-z0-9_-]{43}$/);
    receiver.setSecret("/orders", await secret.inputValue());

    await orderAndPay(page, "Urban gardens and local food policy", 5);
    await expect.poll(() => receiver.received.some((m) => m.event.type === "order.paid" && m.verified)).toBe(true);

    await page.goto("/account/webhooks");
    await expect(page.getByText(/whsec_/)).toHaveCount(0);
    await page.getByRole("link", { name: "Delivery log" }).click();
    const paidRow = page.getByRole("row").filter({ hasText: "order.paid" }).first();
    await expect(paidRow).toContainText("delivered");
    const before = receiver.received.filter((m) => m.event.type === "order.paid").length;
    await paidRow.getByRole("button", { name: "Resend" }).click();
    await expect(page.getByText("Sent again: a new delivery of this event is on its way.")).toBeVisible();
    await expect.poll(() => receiver.received.filter((m) => m.event.type === "order.paid").length).toBe(before + 1);
  } finally {
    await receiver.close();
  }
});
