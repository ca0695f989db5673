import type Anthropic from "@anthropic-ai/sdk";
import { STREAMED_ANSWER_FACTOR } from "../../app/utils/job-expiry";
import { IncompleteAnswerError } from "./errors";
import { modelFor, type Completion, type CompletionRequest, type LlmProvider, type ProviderOptions } from "./provider";
import { sdkLogger, streamFailure, watchIdle, type IdleWatch } from "./stream";

type Options = ProviderOptions;

// The Messages API has no JSON mode, so json requests say it in the system prompt.
const JSON_ONLY = "Answer with exactly one JSON object and nothing else: no prose, no code fence.";

/** Anthropic Messages API. SDK errors propagate unchanged; the router classifies them. */
export class AnthropicProvider implements LlmProvider {
  readonly name = "anthropic";
  readonly breakerKey = "anthropic";
  readonly model: string;
  readonly cheapModel?: string;
  private readonly options: Options;
  private client?: Promise<Anthropic>;

  constructor(options: Options) {
    this.model = options.model;
    this.cheapModel = options.cheapModel;
    this.options = options;
  }

  /** The SDK is loaded on the first call: a worker that never writes with Anthropic never holds it in memory. */
  private sdk(): Promise<Anthropic> {
    this.client ??= import("@anthropic-ai/sdk").then(
      ({ default: AnthropicSdk }) =>
        // Retries are the router's job, so the SDK's own are off.
        new AnthropicSdk({
          apiKey: this.options.apiKey,
          baseURL: this.options.baseURL,
          maxRetries: 0,
          timeout: this.options.timeoutMs ?? 120_000,
          logger: sdkLogger,
        }),
    );
    return this.client;
  }

  longestCallMs(request: CompletionRequest): number {
    const timeoutMs = this.options.timeoutMs ?? 120_000;
    return request.sink ? (this.options.answerLimitMs ?? STREAMED_ANSWER_FACTOR * timeoutMs) : timeoutMs;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const client = await this.sdk();
    const body = {
      model: modelFor(this, request),
      max_tokens: request.maxTokens ?? 4096,
      system: request.json ? `${request.system}\n\n${JSON_ONLY}` : request.system,
      messages: [{ role: "user" as const, content: request.prompt }],
    };
    if (request.sink) return this.stream(client, request, body);
    const response = await client.messages.create(body, { signal: request.signal });
    const blocks = (response.content ?? []).filter((block) => block.type === "text");
    if (blocks.length === 0) throw new Error("Anthropic returned no text");
    const text = blocks.map((block) => block.text).join("");
    return {
      text: request.json ? stripJsonFence(text) : text,
      tokensIn: response.usage?.input_tokens ?? 0,
      tokensOut: response.usage?.output_tokens ?? 0,
      provider: this.name,
      model: body.model,
    };
  }

  /** The answer streamed (its usage in the first and last events), each piece of text handed to the request's sink. */
  private async stream(
    client: Anthropic,
    request: CompletionRequest,
    body: Anthropic.MessageCreateParamsNonStreaming,
  ): Promise<Completion> {
    let idle: IdleWatch | undefined;
    const endBy = Date.now() + this.longestCallMs(request);
    try {
      const stream = await client.messages.create({ ...body, stream: true }, { signal: request.signal });
      idle = watchIdle(this.options.timeoutMs ?? 120_000, () => stream.controller.abort(), endBy);
      let text = "";
      let finished = false;
      let tokensIn = 0;
      let tokensOut = 0;
      for await (const event of stream) {
        idle.touch();
        if (event.type === "message_start") {
          tokensIn = event.message.usage?.input_tokens ?? 0;
          tokensOut = event.message.usage?.output_tokens ?? 0;
        } else if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
          text += event.delta.text;
          request.sink!.append(event.delta.text);
        } else if (event.type === "message_delta") {
          tokensOut = event.usage?.output_tokens ?? tokensOut;
        } else if (event.type === "message_stop") {
          finished = true;
        }
      }
      // The SDK ends an aborted stream quietly (a cut one throws: streamFailure): an answer without its end is not one.
      if (!finished) throw new IncompleteAnswerError(idle.reason() ?? "the answer stopped before its end");
      if (!text) throw new Error("Anthropic returned no text");
      return {
        text: request.json ? stripJsonFence(text) : text,
        tokensIn,
        tokensOut,
        provider: this.name,
        model: body.model,
      };
    } catch (error) {
      throw streamFailure(error);
    } finally {
      idle?.clear();
    }
  }
}

/** Models often wrap JSON in ```json … ``` despite being told not to. */
function stripJsonFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n?([\s\S]*?)\n?\s*```\s*$/i.exec(text);
  return fenced ? fenced[1].trim() : text.trim();
}
