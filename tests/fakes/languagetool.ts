// A local stand-in for a LanguageTool server's `POST /v2/check` (form fields `text` and `language`).
// By default it answers one match per `LTERROR` marker in the text (at the marker); `setMatches(n)` answers n matches
// instead. It knows a fixed list of languages (400 for the others, as LanguageTool does), can inject faults,
// and keeps every request.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { answerFault, closeServer, numberArg, type Fault } from "./openai";

export type LanguageToolRequest = { path: string; contentType: string | undefined; text: string; language: string };
export type FakeLanguageTool = {
  url: string;
  requests: LanguageToolRequest[];
  /** A fixed number of matches per request; `null` goes back to counting markers. */
  setMatches(count: number | null): void;
  failNext(fault: Fault, count?: number): void;
  close(): Promise<void>;
};

export const LANGUAGETOOL_MARKER = "LTERROR";
const LANGUAGES = ["en-US", "en-GB", "de-DE", "fr", "es", "it", "pl-PL", "ru-RU", "uk-UA", "pt-PT", "nl"];

export async function startFakeLanguageTool(options: { port?: number } = {}): Promise<FakeLanguageTool> {
  const requests: LanguageToolRequest[] = [];
  const faults: Fault[] = [];
  let fixed: number | null = null;

  const server: Server = createServer(async (req, res) => {
    const form = new URLSearchParams(await readText(req));
    const text = form.get("text") ?? "";
    const language = form.get("language") ?? "";
    requests.push({ path: req.url ?? "", contentType: req.headers["content-type"], text, language });
    if (req.method !== "POST" || req.url !== "/v2/check") {
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end(`No fake for ${req.method} ${req.url}`);
    }
    if (!LANGUAGES.includes(language)) {
      res.writeHead(400, { "content-type": "text/plain" });
      return res.end(`Error: '${language}' is not a language code known to LanguageTool.`);
    }
    const fault = faults.shift();
    if (fault) return answerFault(res, fault, '{"matches": [', (f) => f.message ?? `Injected ${f.status}`);

    const offsets =
      fixed === null
        ? [...text.matchAll(new RegExp(LANGUAGETOOL_MARKER, "g"))].map((m) => m.index)
        : Array.from({ length: fixed }, () => 0);
    const length = fixed === null ? LANGUAGETOOL_MARKER.length : Math.min(4, text.length);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        software: { name: "LanguageTool", version: "6.6-fake", apiVersion: 1, status: "" },
        language: {
          name: language,
          code: language,
          detectedLanguage: { name: language, code: language, confidence: 0.99 },
        },
        matches: offsets.map((offset) => ({
          message: "Possible spelling mistake found.",
          shortMessage: "Spelling mistake",
          replacements: [{ value: "error" }],
          offset,
          length,
          context: {
            text: text.slice(Math.max(0, offset - 20), offset + length + 20),
            offset: Math.min(20, offset),
            length,
          },
          sentence: text,
          type: { typeName: "Other" },
          rule: {
            id: "MORFOLOGIK_RULE_EN_US",
            description: "Possible spelling mistake",
            issueType: "misspelling",
            category: { id: "TYPOS", name: "Possible Typo" },
          },
          ignoreForIncompleteSentence: false,
          contextForSureMatch: 0,
        })),
      }),
    );
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setMatches: (count) => {
      fixed = count;
    },
    failNext: (fault, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    close: () => closeServer(server),
  };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// `tsx tests/fakes/languagetool.ts --port 8081` runs it on its own.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  startFakeLanguageTool({ port: numberArg("port") ?? 8081 }).then((fake) => {
    console.log(`fake LanguageTool listening at ${fake.url}`);
    process.on("SIGTERM", () => void fake.close().then(() => process.exit(0)));
  });
}
