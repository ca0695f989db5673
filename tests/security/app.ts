// The running app for the attack suite: a real server process (`node --import tsx server.ts`, web + worker) on its own
// cloned test database, and a tiny cookie-keeping HTTP client. Every attack in tests/security/ goes over HTTP.
import { mkdtempSync, promises as fs, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";
import { createCookieSessionStorage } from "@remix-run/node";
import { createSession } from "../../app/models/sessions.server";
import { recordConsents } from "../../app/models/users.server";
import type { Db } from "../../app/utils/db.server";
import type { StoredEmail } from "../../app/utils/email.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";
import { stopProcess } from "../setup/worker-process";
import { spawnWeb, type WebProcess } from "../setup/web-process";

/** The session secret of every app this harness starts, so a test can sign a session cookie itself. */
export const HARNESS_SESSION_SECRET = "harness-session-key-0123456789abcdef";

export type App = {
  url: string;
  db: Db;
  databaseUrl: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
};

/**
 * Starts TesiGo (ROLE=all unless `env` says otherwise) on a fresh database: offline writer, no scholarly indexes, mail
 * written to `<dataDir>/mail`. `env` overrides anything (Stripe keys, limits, NODE_ENV…). Needs `npm run build`'s
 * Remix bundle, which `npm test` makes first.
 */
export async function startApp(env: Record<string, string> = {}): Promise<App> {
  const database: TestDatabase = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "tesigo-security-"));
  let web: WebProcess;
  try {
    web = await spawnWeb({
      ROLE: "all",
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      SESSION_SECRET: HARNESS_SESSION_SECRET,
      SMTP_URL: "",
      OPENAI_API_KEY: "",
      ANTHROPIC_API_KEY: "",
      AI_FALLBACK_CHAIN: "offline",
      RESEARCH_PROVIDERS: "none",
      STRIPE_SECRET_KEY: "",
      STRIPE_WEBHOOK_SECRET: "",
      SECTION_CONCURRENCY: "2",
      ...env,
    });
  } catch (error) {
    await database.destroy();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: web.url,
    db: database.db,
    databaseUrl: database.url,
    dataDir,
    output: web.output,
    stop: async () => {
      await stopProcess(web.process);
      await database.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every email the app wrote for `to` (newest first), once at least `atLeast` exist. */
export async function mailsTo(app: App, to: string, atLeast = 1, timeoutMs = 20_000): Promise<StoredEmail[]> {
  const dir = path.join(app.dataDir, "mail");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".json"));
    const mails = (
      await Promise.all(files.map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), "utf8")) as StoredEmail))
    )
      .filter((m) => m.to === to)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    if (mails.length >= atLeast) return mails;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${atLeast} email(s) to ${to}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type Reply = { status: number; headers: Headers; text: string; location: string | null };

/**
 * A browser reduced to what matters here: it keeps cookies, sends our Origin on POSTs as a browser would, and never
 * follows redirects (each test looks at them).
 */
export class Client {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly app: App,
    readonly ip?: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async fetch(pathOrUrl: string, init: RequestInit = {}): Promise<Reply> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has("cookie")) headers.set("cookie", this.cookieHeader());
    if (init.method && init.method !== "GET" && !headers.has("origin")) headers.set("origin", this.app.url);
    if (this.ip && !headers.has("x-forwarded-for")) headers.set("x-forwarded-for", this.ip);
    const res = await fetch(new URL(pathOrUrl, this.app.url), { ...init, headers, redirect: "manual" });
    this.keep(res.headers);
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get("location") };
  }

  get(pathOrUrl: string, headers: Record<string, string> = {}) {
    return this.fetch(pathOrUrl, { headers });
  }

  /** A form POST, as a browser submits it. */
  post(pathOrUrl: string, form: Record<string, string> | URLSearchParams, headers: Record<string, string> = {}) {
    return this.fetch(pathOrUrl, { method: "POST", body: new URLSearchParams(form), headers });
  }
}

/** A consenting customer with a live session; the client carries its signed cookie (as if it had signed in). */
export async function signedInCustomer(
  app: App,
  email?: string,
): Promise<{ client: Client; userId: string; email: string }> {
  const user = await insertUser(app.db, email ? { email } : {});
  await recordConsents(
    app.db,
    user.id,
    { essential: true, analytics: false, marketing: false },
    { ip: null, userAgent: "harness" },
  );
  const session = await createSession(app.db, user.id, { ip: null, userAgent: "harness" });
  const storage = createCookieSessionStorage({
    cookie: { name: "__session", secrets: [HARNESS_SESSION_SECRET], path: "/", sameSite: "lax" },
  });
  const cookie = await storage.getSession();
  cookie.set("sessionId", session.id);
  const header = await storage.commitSession(cookie);
  const client = new Client(app);
  client.cookies.set("__session", header.split(";")[0]!.slice("__session=".length));
  return { client, userId: user.id, email: user.email };
}

/** A raw request through node:http, so nothing (Host, Content-Length, Transfer-Encoding) is added or checked for us. */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    chunks?: AsyncIterable<Buffer>;
  },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    // The server may answer (413) and close before the whole body is sent: that is the point of some tests.
    req.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error),
    );
    if (options.chunks) {
      void (async () => {
        for await (const chunk of options.chunks!) {
          if (req.destroyed) return;
          if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        }
        req.end();
      })().catch(() => req.destroy());
    } else {
      req.end(options.body);
    }
  });
}
