// Where our server may send a request a customer chose (a webhook endpoint; a bring-your-own-key base URL): never to
// this machine, our private network or a cloud's metadata service (server-side request forgery). Use both halves:
//   await assertPublicUrl(url, { allowPrivate })      when the URL is saved, and again just before each request;
//   request(url, { lookup: publicOnlyLookup() })      so the address connected to is the one checked (DNS rebinding).
// A literal IP in the URL is not looked up by Node (hence the first call before each request too). Redirects must not
// be followed by the caller (a public address may redirect to a private one).
import { BlockList, isIP, type LookupFunction } from "node:net";
import { lookup } from "node:dns";
import { promisify } from "node:util";

/** Why a URL was refused: its shape, an address that is not public, or a name that does not resolve. */
export type RefusedUrlReason = "invalid" | "private" | "unresolvable";

export class RefusedUrlError extends Error {
  override name = "RefusedUrlError";
  constructor(
    readonly reason: RefusedUrlReason,
    message: string,
  ) {
    super(message);
  }
}

// One list per family: Node's BlockList also matches IPv4 addresses against IPv6 rules (as ::ffff:a.b.c.d).
const notPublicV4 = new BlockList();
const notPublicV6 = new BlockList();
// IPv4: "this network" and unspecified, RFC 1918, loopback, link-local (cloud metadata 169.254.169.254), carrier-grade
// NAT, IETF protocol assignments, benchmarking, multicast and reserved, broadcast.
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  notPublicV4.addSubnet(network, prefix, "ipv4");
// IPv6: unspecified, loopback, IPv4-mapped and -compatible (they reach IPv4 hosts), NAT64, unique-local, link-local,
// site-local, multicast.
for (const [network, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["::ffff:0:0", 96],
  ["::", 96],
  ["64:ff9b::", 96],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
] as const)
  notPublicV6.addSubnet(network, prefix, "ipv6");

/** Whether an IP address (v4 or v6, without brackets) is one a customer's URL must not reach. Not an IP: true. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return family === 4 ? notPublicV4.check(address, "ipv4") : notPublicV6.check(address, "ipv6");
}

const lookupAll = promisify(lookup);

/**
 * The URL, parsed, if it may be requested: http(s), no user name or password in it, and — unless `allowPrivate` — a
 * host whose every address (the literal, or all its DNS answers) is public. Throws a RefusedUrlError saying why.
 */
export async function assertPublicUrl(url: string | URL, options: { allowPrivate: boolean }): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RefusedUrlError("invalid", "The URL is not a valid address.");
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    throw new RefusedUrlError("invalid", "The URL must start with https://.");
  if (parsed.username || parsed.password)
    throw new RefusedUrlError("invalid", "The URL must not carry a user name or password.");
  if (options.allowPrivate) return parsed;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw privateAddress();
    return parsed;
  }
  let addresses: { address: string }[];
  try {
    addresses = await lookupAll(host, { all: true, verbatim: true });
  } catch {
    throw new RefusedUrlError("unresolvable", "The URL's host name does not resolve to an address.");
  }
  if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) throw privateAddress();
  return parsed;
}

const privateAddress = () =>
  new RefusedUrlError("private", "The URL points to a private, loopback or link-local address, which is refused.");

/**
 * A `lookup` for node:http(s) and net.connect that resolves as usual and refuses (an ECONNREFUSED-like error) a name
 * with any address that is not public: the connection goes to an address this check saw.
 */
export function publicOnlyLookup(): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true, verbatim: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address)))
        return callback(privateAddress() as NodeJS.ErrnoException, "", 0);
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: typeof addresses) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
