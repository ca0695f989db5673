// Whether a customer's OpenAI-compatible server may be called from our servers: in production only a public address,
// so a saved base URL cannot make the worker reach our own network (server-side request forgery). Same purpose as the
// webhooks' address check: the two are merged into one module when issue 22's parts are integrated.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  PRIVATE.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  PRIVATE.addSubnet(net, prefix, "ipv6");

/** Whether an IP address is loopback, private, link-local, shared, multicast or unspecified. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Why `url` may not be called, or null when it may: it must be http(s); in production its host must be (and resolve
 * only to) public addresses.
 */
export async function refusalOfServerAddress(url: URL, production: boolean): Promise<"protocol" | "private" | null> {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "protocol";
  if (!production) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return isPrivateAddress(host) ? "private" : null;
  if (/^localhost$|\.localhost$|\.local$|\.internal$/i.test(host)) return "private";
  const addresses = await lookup(host, { all: true }).catch(() => []);
  // An unresolvable host is left to the key check, which then says it could not reach it.
  return addresses.some((a) => isPrivateAddress(a.address)) ? "private" : null;
}
