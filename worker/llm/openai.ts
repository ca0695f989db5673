import OpenAI from "openai";
import type { Completion, CompletionRequest, LlmProvider } from "./provider";

type Options = { name?: string; apiKey: string; baseURL?: string; model: string; timeoutMs?: number; breakerKey?: string };

/** OpenAI Chat Completions, and any OpenAI-compatible server by base URL. */
export class OpenAIProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  readonly breakerKey: string;
  private readonly client: OpenAI;

  constructor(options: Options) {
    this.name = options.name ?? "openai";
    this.model = options.model;
    this.breakerKey = options.breakerKey ?? this.name;
    // Retries are the router's job, so the SDK's own are off.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 120_000,
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const response = await this.client.chat.completions.create({
      model: this.model,
      messages: [
        { role: "system", content: request.system },
        { role: "user", content: request.prompt },
      ],
      max_tokens: request.maxTokens,
      ...(request.json ? { response_format: { type: "json_object" as const } } : {}),
    }, { signal: request.signal });
    const text = response.choices[0]?.message?.content ?? "";
    return {
      text,
      tokensIn: response.usage?.prompt_tokens ?? 0,
      tokensOut: response.usage?.completion_tokens ?? 0,
      provider: this.name,
      model: this.model,
    };
  }
}
