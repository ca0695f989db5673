import { describe, expect, it } from "vitest";
import { isPrivateAddress, refusalOfServerAddress } from "./llm-server-address.server";

describe("a customer's compatible server address", () => {
  it("knows loopback, private, link-local, shared and unspecified addresses, IPv4 and IPv6", () => {
    for (const address of ["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ["0.0.0.0", "::1", "::", "fd00::1", "fe80::1", "::ffff:127.0.0.1"])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it("in production refuses private and loopback hosts (literal or by name) and any scheme but http(s); elsewhere allows local servers", async () => {
    for (const url of [
      "http://127.0.0.1:11434/v1",
      "http://[::1]/v1",
      "http://localhost:8080/v1",
      "https://ollama.local/v1",
      "http://169.254.169.254/latest",
      "http://10.0.0.5/v1",
    ])
      expect(await refusalOfServerAddress(new URL(url), true), url).toBe("private");
    expect(await refusalOfServerAddress(new URL("https://8.8.8.8/v1"), true)).toBeNull();
    expect(await refusalOfServerAddress(new URL("file:///etc/passwd"), true)).toBe("protocol");
    expect(await refusalOfServerAddress(new URL("ftp://example.com/v1"), false)).toBe("protocol");
    expect(await refusalOfServerAddress(new URL("http://127.0.0.1:11434/v1"), false)).toBeNull();
  });
});
