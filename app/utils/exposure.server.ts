import { isIP } from "node:net";
import { usesDevelopmentSecrets, type Env } from "./env.server";

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1" || bare === "::ffff:127.0.0.1") return true;
  return isIP(bare) === 4 && bare.startsWith("127.");
}

/** What a development setup leaves open to anyone who can reach the server (empty in production). */
export function developmentFeaturesOn(env: Env): string[] {
  if (env.isProduction) return [];
  return [
    ...(env.ALLOW_DEV_PAYMENT ? ["the dev payment (anyone can mark an order paid without paying)"] : []),
    ...(env.SMTP_URL ? [] : ["/dev/mail (anyone can read every sign-in email, and so sign in as anybody)"]),
    ...(usesDevelopmentSecrets(env) ? ["the development secrets (anyone with the source can forge a session)"] : []),
  ];
}

/**
 * A loud warning when a server that is not in production mode listens beyond this machine with its development
 * shortcuts on (null when it does not): a forgotten NODE_ENV must not go unnoticed on a public address.
 */
export function exposureWarning(env: Env): string | null {
  const open = developmentFeaturesOn(env);
  if (open.length === 0 || isLoopbackHost(env.HOST)) return null;
  const bar = "!".repeat(100);
  return [
    bar,
    `WARNING: TesiGo is not in production mode (NODE_ENV=${env.NODE_ENV}; unset means development) and listens on ${env.HOST}, reachable from other machines, with:`,
    ...open.map((feature) => `  - ${feature}`),
    "Set NODE_ENV=production for a real deployment (it refuses to start without strong secrets, SMTP_URL and an https APP_URL),",
    "or HOST=127.0.0.1 to keep this development server to this machine.",
    bar,
  ].join("\n");
}
