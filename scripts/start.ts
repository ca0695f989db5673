// `npm start`: build the web bundle if needed, then run the server in this same process (so signals reach it).
import { buildIfNeeded } from "./build-if-needed";

buildIfNeeded();
await import("../server");
