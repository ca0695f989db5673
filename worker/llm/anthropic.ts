import type Anthropic from "@anthropic-ai/sdk";
import type { Completion, CompletionRequest, LlmProvider } from "./provider";

type Options = { apiKey: string; baseURL?: string; model: string; timeoutMs?: number };

// The Messages API has no JSON mode, so json requests say it in the system prompt.
const JSON_ONLY = "Answer with exactly one JSON object and nothing else: no prose, no code fence.";

/** Anthropic Messages API. SDK errors propagate unchanged; the router classifies them. */
export class AnthropicProvider implements LlmProvider {
  readonly name = "anthropic";
  readonly breakerKey = "anthropic";
  readonly model: string;
  private readonly options: Options;
  private client?: Promise<Anthropic>;

  constructor(options: Options) {
    this.model = options.model;
    this.options = options;
  }

  /** The SDK is loaded on the first call: a worker that never writes with Anthropic never holds it in memory. */
  private sdk(): Promise<Anthropic> {
    this.client ??= import("@anthropic-ai/sdk").then(
      ({ default: AnthropicSdk }) =>
        // Retries are the router's job, so the SDK's own are off.
        new AnthropicSdk({ apiKey: this.options.apiKey, baseURL: this.options.baseURL, maxRetries: 0, timeout: this.options.timeoutMs ?? 120_000 }),
    );
    return this.client;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const client = await this.sdk();
    const response = await client.messages.create(
      {
        model: this.model,
        max_tokens: request.maxTokens ?? 4096,
        system: request.json ? `${request.system}\n\n${JSON_ONLY}` : request.system,
        messages: [{ role: "user", content: request.prompt }],
      },
      { signal: request.signal },
    );
    const blocks = (response.content ?? []).filter((block) => block.type === "text");
    if (blocks.length === 0) throw new Error("Anthropic returned no text");
    const text = blocks.map((block) => block.text).join("");
    return {
      text: request.json ? stripJsonFence(text) : text,
      tokensIn: response.usage?.input_tokens ?? 0,
      tokensOut: response.usage?.output_tokens ?? 0,
      provider: this.name,
      model: this.model,
    };
  }
}

/** Models often wrap JSON in ```json … ``` despite being told not to. */
function stripJsonFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?\s*```\s*$/i.exec(text);
  return fenced ? fenced[1].trim() : text.trim();
}
