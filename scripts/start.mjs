// `npm start` (and `npm run worker`): build if a source changed, then run the compiled server in this same process,
// with plain node (so signals reach it, and no TypeScript loader sits in memory).
import { buildIfNeeded } from "./build-if-needed.mjs";

buildIfNeeded();
await import("../build/server.js");
