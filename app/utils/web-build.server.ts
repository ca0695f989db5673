import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";

/** A bundle made for development or tests renders with react's jsx-dev-runtime, which production's React lacks. */
export class WebBuildModeError extends Error {
  constructor(readonly mode: string) {
    super(
      `build/ holds a bundle built with NODE_ENV=${mode}, and production cannot serve it (every page would fail). ` +
        "Build for production first: `NODE_ENV=production npm run build` (npm start rebuilds by itself when the mode differs).",
    );
    this.name = "WebBuildModeError";
  }
}

/** The Remix bundle this process serves; production refuses one built in another mode. */
export async function loadWebBuild(buildPath: string, options: { isProduction: boolean }): Promise<ServerBuild> {
  if (!existsSync(buildPath)) throw new Error("No web build found: run `npm run build` (npm start does it for you).");
  const build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  if (options.isProduction && build.mode !== "production") throw new WebBuildModeError(build.mode);
  return build;
}
