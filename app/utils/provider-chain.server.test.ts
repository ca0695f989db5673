import { describe, expect, it } from "vitest";
import {
  breakerProviders,
  describeProviderChain,
  writerBreakerKey,
  writerLabel,
  type ChainEnv,
} from "./provider-chain.server";

const BASE: ChainEnv = {
  AI_FALLBACK_CHAIN: undefined,
  ALLOW_OFFLINE_PROVIDERS: true,
  OPENAI_API_KEY: undefined,
  OPENAI_BASE_URL: undefined,
  OPENAI_MODEL: "gpt-4o-mini",
  OPENAI_CHEAP_MODEL: "gpt-4o-mini",
  OPENAI_COMPAT_API_KEY: undefined,
  ANTHROPIC_API_KEY: undefined,
  ANTHROPIC_BASE_URL: undefined,
  ANTHROPIC_MODEL: "claude-sonnet-4-6",
  ANTHROPIC_CHEAP_MODEL: "claude-haiku-4-5",
};

describe("the writer chain, described from the environment alone", () => {
  it("defaults to the providers whose keys are set, else the offline writer", () => {
    expect(describeProviderChain(BASE)).toEqual([
      { provider: "offline", model: "offline-demo-1", apiKeyVariable: null },
    ]);
    expect(
      describeProviderChain({
        ...BASE,
        OPENAI_API_KEY: "sk-a",
        ANTHROPIC_API_KEY: "sk-b",
        ANTHROPIC_BASE_URL: "http://127.0.0.1:9/",
      }).map(writerLabel),
    ).toEqual(["openai:gpt-4o-mini", "anthropic:claude-sonnet-4-6+claude-haiku-4-5"]);
  });

  it("gives OpenAI and Anthropic writers a cheap model for checking tasks, and a compatible server its one model", () => {
    const chain = describeProviderChain({
      ...BASE,
      OPENAI_API_KEY: "sk-a",
      OPENAI_CHEAP_MODEL: "gpt-4.1-nano",
      ANTHROPIC_API_KEY: "sk-b",
      AI_FALLBACK_CHAIN: "openai:gpt-4o,anthropic,compat:llama3.1@http://localhost:11434/v1",
    });
    expect(chain.map((w) => [w.model, w.cheapModel])).toEqual([
      ["gpt-4o", "gpt-4.1-nano"],
      ["claude-sonnet-4-6", "claude-haiku-4-5"],
      ["llama3.1", undefined],
    ]);
    expect(chain.map(writerLabel)).toEqual([
      "openai:gpt-4o+gpt-4.1-nano",
      "anthropic:claude-sonnet-4-6+claude-haiku-4-5",
      "compat:llama3.1",
    ]);
  });

  it("tells the worker where each writer answers and which variable holds its key, never the key itself", () => {
    const chain = describeProviderChain({
      ...BASE,
      OPENAI_API_KEY: "sk-secret-openai",
      OPENAI_BASE_URL: "http://127.0.0.1:8/v1",
      AI_FALLBACK_CHAIN: "openai:gpt-4.1, compat:llama3.1@http://localhost:11434/v1",
    });
    expect(chain).toEqual([
      {
        provider: "openai",
        model: "gpt-4.1",
        cheapModel: "gpt-4o-mini",
        baseURL: "http://127.0.0.1:8/v1",
        apiKeyVariable: "OPENAI_API_KEY",
      },
      {
        provider: "compat",
        model: "llama3.1",
        baseURL: "http://localhost:11434/v1",
        apiKeyVariable: "OPENAI_COMPAT_API_KEY",
      },
    ]);
    expect(JSON.stringify(chain)).not.toContain("sk-secret-openai");
  });

  it("refuses, with the variable's name, what no worker could run", () => {
    expect(() => describeProviderChain({ ...BASE, AI_FALLBACK_CHAIN: "anthropic" })).toThrow(
      'AI_FALLBACK_CHAIN: "anthropic" needs ANTHROPIC_API_KEY',
    );
    expect(() => describeProviderChain({ ...BASE, AI_FALLBACK_CHAIN: "compat:llama3.1@not an address" })).toThrow(
      'AI_FALLBACK_CHAIN: "compat:llama3.1@not an address" must look like compat:MODEL@BASE_URL',
    );
    expect(() => describeProviderChain({ ...BASE, AI_FALLBACK_CHAIN: "mistral:large" })).toThrow(
      'unknown provider "mistral"',
    );
    expect(() => describeProviderChain({ ...BASE, ALLOW_OFFLINE_PROVIDERS: false })).toThrow(
      "the offline writer is not allowed here",
    );
  });
});

describe("each writer's circuit breaker", () => {
  it("is the provider's name, a compatible server's host, and none for the offline writer", () => {
    const chain = describeProviderChain({
      ...BASE,
      OPENAI_API_KEY: "sk-a",
      ANTHROPIC_API_KEY: "sk-b",
      AI_FALLBACK_CHAIN: "openai,anthropic,compat:llama3.1@http://localhost:11434/v1,offline",
    });
    expect(chain.map(writerBreakerKey)).toEqual(["openai", "anthropic", "compat:localhost:11434", null]);
  });
});

describe("the breakers an admin may pin", () => {
  it("are the writers' then the configured scholarly indexes', once each and without the offline writer", () => {
    const env = {
      ...BASE,
      OPENAI_API_KEY: "sk-a",
      AI_FALLBACK_CHAIN: "openai:gpt-4o,openai:gpt-4o-mini,compat:m@http://gpu:8000/v1,offline",
    };
    expect(breakerProviders({ ...env, RESEARCH_PROVIDERS: "openalex,crossref" })).toEqual([
      "openai",
      "compat:gpu:8000",
      "openalex",
      "crossref",
    ]);
    expect(breakerProviders({ ...env, RESEARCH_PROVIDERS: "none" })).toEqual(["openai", "compat:gpu:8000"]);
    // A web process without the workers' keys still lists the indexes (and the page, any breaker rows).
    expect(breakerProviders({ ...BASE, AI_FALLBACK_CHAIN: "anthropic", RESEARCH_PROVIDERS: "crossref" })).toEqual([
      "crossref",
    ]);
  });
});
