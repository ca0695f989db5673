import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertPublicUrl, isPrivateAddress, publicOnlyLookup, RefusedUrlError } from "./public-address.server";

describe("isPrivateAddress", () => {
  it.each([
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.20",
    "169.254.169.254",
    "0.0.0.0",
    "100.64.0.1",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:8.8.8.8",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "224.0.0.1",
    "not an address",
  ])("%s is not public", (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "169.255.0.1", "2606:4700:4700::1111"])(
    "%s is public",
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe("assertPublicUrl", () => {
  const refusal = (url: string) =>
    assertPublicUrl(url, { allowPrivate: false }).then(
      () => "allowed",
      (error: unknown) => (error instanceof RefusedUrlError ? error.reason : `threw ${String(error)}`),
    );

  it("refuses private literals, names that resolve to loopback, other schemes and credentials", async () => {
    expect(await refusal("http://127.0.0.1/hook")).toBe("private");
    expect(await refusal("https://10.20.30.40/hook")).toBe("private");
    expect(await refusal("http://169.254.169.254/latest/meta-data/")).toBe("private");
    expect(await refusal("http://[::1]:8080/")).toBe("private");
    expect(await refusal("http://[::ffff:7f00:1]/")).toBe("private");
    expect(await refusal("http://localhost:3000/")).toBe("private");
    expect(await refusal("ftp://8.8.8.8/")).toBe("invalid");
    expect(await refusal("https://user:pass@8.8.8.8/")).toBe("invalid");
    expect(await refusal("not a url")).toBe("invalid");
    expect(await refusal("https://name.invalid/hook")).toBe("unresolvable");
    expect(await refusal("https://8.8.8.8/hook")).toBe("allowed");
  });

  it("allows any address when private addresses are allowed (development and tests)", async () => {
    await expect(assertPublicUrl("http://127.0.0.1:9/hook", { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });
});

describe("publicOnlyLookup", () => {
  let server: ReturnType<typeof createServer>;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end("reached"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (lookup?: ReturnType<typeof publicOnlyLookup>) =>
    new Promise<string>((resolve) => {
      const req = request(`http://localhost:${port}/`, { lookup, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(`status ${res.statusCode}`));
      });
      req.on("error", (error) =>
        resolve(error instanceof RefusedUrlError ? `refused: ${error.reason}` : error.message),
      );
      req.end();
    });

  it("refuses to connect to a name that resolves to loopback, which the plain lookup reaches", async () => {
    expect(await get()).toBe("status 200");
    expect(await get(publicOnlyLookup())).toBe("refused: private");
  });
});
