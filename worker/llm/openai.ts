import OpenAI from "openai";
import { STREAMED_ANSWER_FACTOR } from "../../app/utils/job-expiry";
import { logger } from "../../app/utils/logger.server";
import { IncompleteAnswerError } from "./errors";
import { modelFor, type Completion, type CompletionRequest, type LlmProvider, type ProviderOptions } from "./provider";
import { sdkLogger, streamFailure, watchIdle, type IdleWatch } from "./stream";

/** `name` and `breakerKey`: a compatible server's ("compat", per host). */
type Options = ProviderOptions & { name?: string; breakerKey?: string };

/** OpenAI Chat Completions, and any OpenAI-compatible server by base URL. */
export class OpenAIProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  readonly cheapModel?: string;
  readonly breakerKey: string;
  private readonly client: OpenAI;
  private readonly timeoutMs: number;
  private readonly answerLimitMs: number;
  /** False once the server refused a streamed request that it accepted in one piece. */
  private streams = true;

  constructor(options: Options) {
    this.name = options.name ?? "openai";
    this.model = options.model;
    this.cheapModel = options.cheapModel;
    this.breakerKey = options.breakerKey ?? this.name;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.answerLimitMs = options.answerLimitMs ?? STREAMED_ANSWER_FACTOR * this.timeoutMs;
    // Retries are the router's job, so the SDK's own are off.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      maxRetries: 0,
      timeout: this.timeoutMs,
      logger: sdkLogger,
    });
  }

  longestCallMs(request: CompletionRequest): number {
    return request.sink && this.streams ? this.answerLimitMs : this.timeoutMs;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const body = {
      model: modelFor(this, request),
      messages: [
        { role: "system" as const, content: request.system },
        { role: "user" as const, content: request.prompt },
      ],
      max_tokens: request.maxTokens,
      ...(request.json ? { response_format: { type: "json_object" as const } } : {}),
    };
    if (!request.sink || !this.streams) return this.inOnePiece(request, body);
    try {
      return await this.stream(request, body);
    } catch (error) {
      if (!(error instanceof OpenAI.BadRequestError)) throw error;
      // Some compatible servers refuse streamed requests (or `stream_options`). If the same request in one piece is
      // accepted, that was the reason: this writer answers in one piece from now on.
      const completion = await this.inOnePiece(request, body);
      this.streams = false;
      logger.warn(
        { provider: this.name, model: body.model, err: error.message },
        "the server refused a streamed answer; answers come in one piece",
      );
      return completion;
    }
  }

  private async inOnePiece(
    request: CompletionRequest,
    body: OpenAI.ChatCompletionCreateParamsNonStreaming,
  ): Promise<Completion> {
    const response = await this.client.chat.completions.create(body, { signal: request.signal });
    const text = response.choices[0]?.message?.content ?? "";
    return {
      text,
      tokensIn: response.usage?.prompt_tokens ?? 0,
      tokensOut: response.usage?.completion_tokens ?? 0,
      provider: this.name,
      model: body.model,
    };
  }

  /** The answer streamed (with its usage in the last event), each piece handed to the request's sink. */
  private async stream(
    request: CompletionRequest,
    body: OpenAI.ChatCompletionCreateParamsNonStreaming,
  ): Promise<Completion> {
    let idle: IdleWatch | undefined;
    const endBy = Date.now() + this.answerLimitMs;
    try {
      const stream = await this.client.chat.completions.create(
        { ...body, stream: true, stream_options: { include_usage: true } },
        { signal: request.signal },
      );
      idle = watchIdle(this.timeoutMs, () => stream.controller.abort(), endBy);
      let text = "";
      let finished = false;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        idle.touch();
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          request.sink!.append(delta);
        }
        if (choice?.finish_reason) finished = true;
        if (chunk.usage) usage = chunk.usage;
      }
      // The SDK ends an aborted stream quietly (a cut one throws: streamFailure): an answer without its finish is not one.
      if (!finished) throw new IncompleteAnswerError(idle.reason() ?? "the answer stopped before its end");
      if (!usage) {
        // A compatible server that ignores `stream_options` sends no usage: estimated (about 4 characters a token), so
        // the daily limits and the costs still count this call.
        logger.warn(
          { provider: this.name, model: body.model },
          "the streamed answer came without usage; tokens estimated",
        );
      }
      return {
        text,
        tokensIn: usage?.prompt_tokens ?? estimateTokens(request.system + request.prompt),
        tokensOut: usage?.completion_tokens ?? estimateTokens(text),
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

/** Tokens of a text when the server does not say: about 4 characters a token. */
function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
