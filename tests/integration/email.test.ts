import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listStoredEmails, mailDir, sendEmail } from "../../app/utils/email.server";
import { startFakeSmtp } from "../fakes/smtp";

let smtp: Awaited<ReturnType<typeof startFakeSmtp>>;

beforeAll(async () => {
  smtp = await startFakeSmtp();
  // Read by getEnv() on first use, which is below.
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = "TesiGo <hello@tesigo.test>";
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  await smtp?.close();
});

it("sends over SMTP (nodemailer) when SMTP_URL is set, in plain text and HTML, and writes no file", async () => {
  await sendEmail({
    to: "ada@example.com",
    subject: "Your TesiGo sign-in code: ABC234",
    text: "Your code is ABC234.",
    html: "<p>Your code is <b>ABC234</b>.</p>",
  });
  expect(smtp.messages).toHaveLength(1);
  const [message] = smtp.messages;
  expect(message.from).toBe("hello@tesigo.test");
  expect(message.to).toEqual(["ada@example.com"]);
  expect(message.raw).toMatch(/^Subject: Your TesiGo sign-in code: ABC234/m);
  expect(message.raw).toMatch(/Content-Type: text\/plain/);
  expect(message.raw).toMatch(/Content-Type: text\/html/);
  // Other test files write to the same mail folder meanwhile: look for this message, not at the count.
  expect((await listStoredEmails()).filter((e) => e.subject.includes("ABC234"))).toEqual([]);
});

it("lists the stored emails even when one file is unreadable (a process killed while writing it)", async () => {
  const broken = path.join(mailDir(), "0000000000000-broken00.json");
  await mkdir(mailDir(), { recursive: true });
  await writeFile(broken, "");
  try {
    const emails = await listStoredEmails();
    expect(emails.map((e) => e.id)).not.toContain("0000000000000-broken00");
  } finally {
    await rm(broken, { force: true });
  }
});
