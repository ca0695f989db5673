import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";
import { remember } from "./singleton.server";

export type Email = { to: string; subject: string; text: string; html: string };
export type StoredEmail = Email & { id: string; from: string; createdAt: string };

export function mailDir(): string {
  return path.resolve(getEnv().DATA_DIR, "mail");
}

function smtpTransport(): Transporter | null {
  const env = getEnv();
  if (!env.SMTP_URL) return null;
  return remember("smtp", () => nodemailer.createTransport(env.SMTP_URL));
}

/** Sends over SMTP when SMTP_URL is set; otherwise writes the message to DATA_DIR/mail (listed at /dev/mail). */
export async function sendEmail(email: Email): Promise<void> {
  const env = getEnv();
  const transport = smtpTransport();
  if (transport) {
    await transport.sendMail({ from: env.MAIL_FROM, ...email });
    logger.info({ to: email.to, subject: email.subject }, "email sent");
    return;
  }
  const stored: StoredEmail = {
    id: `${Date.now()}-${randomUUID().slice(0, 8)}`,
    from: env.MAIL_FROM,
    createdAt: new Date().toISOString(),
    ...email,
  };
  await fs.mkdir(mailDir(), { recursive: true });
  // Written aside and renamed: whoever lists the folder meanwhile (/dev/mail, another process) never reads half a file.
  const file = path.join(mailDir(), `${stored.id}.json`);
  await fs.writeFile(`${file}.partial`, JSON.stringify(stored, null, 2));
  await fs.rename(`${file}.partial`, file);
  logger.info({ to: email.to, subject: email.subject, file: `${stored.id}.json` }, "email written to the mail folder");
}

export async function listStoredEmails(): Promise<StoredEmail[]> {
  const files = await fs.readdir(mailDir()).catch(() => [] as string[]);
  const emails = await Promise.all(
    files.filter((f) => f.endsWith(".json")).map((f) => getStoredEmail(f.slice(0, -".json".length))),
  );
  // A file left unreadable (a process killed while writing it, before writes were atomic) is skipped, not fatal.
  return emails.filter((e): e is StoredEmail => e !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function getStoredEmail(id: string): Promise<StoredEmail | null> {
  if (!/^[\w-]+$/.test(id)) return null;
  try {
    return JSON.parse(await fs.readFile(path.join(mailDir(), `${id}.json`), "utf8"));
  } catch {
    return null;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
