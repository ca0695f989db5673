import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { WebBuildModeError, loadWebBuild } from "./web-build.server";

/** A stand-in for build/index.js that exports only what is checked: its mode. */
function bundleOfMode(mode: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), "tesigo-bundle-")), "index.js");
  writeFileSync(file, `export const mode = ${JSON.stringify(mode)};\n`);
  return file;
}

describe("loadWebBuild", () => {
  it("refuses, in production, a bundle built for tests or development, naming the fix", async () => {
    for (const mode of ["test", "development"]) {
      const refused = loadWebBuild(bundleOfMode(mode), { isProduction: true });
      await expect(refused).rejects.toBeInstanceOf(WebBuildModeError);
      await expect(refused).rejects.toThrow(`built with NODE_ENV=${mode}`);
      await expect(refused).rejects.toThrow("NODE_ENV=production npm run build");
    }
  });

  it("serves a production bundle in production, and any bundle elsewhere", async () => {
    expect((await loadWebBuild(bundleOfMode("production"), { isProduction: true })).mode).toBe("production");
    expect((await loadWebBuild(bundleOfMode("test"), { isProduction: false })).mode).toBe("test");
  });

  it("says how to build when there is no bundle", async () => {
    await expect(loadWebBuild("/nonexistent/build/index.js", { isProduction: false })).rejects.toThrow(
      "run `npm run build`",
    );
  });
});
