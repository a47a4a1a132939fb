import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../actors/providers/anthropic.js";
import { createOpenAIProvider } from "../../actors/providers/openai.js";
import { ProviderRegistry } from "../../actors/providers/registry.js";
import { isLoopbackURL } from "../../src/providers/credentials.js";
import type { SimServer } from "../../src/sim/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { ANTHROPIC_MODEL, modelRequest, OPENAI_MODEL, rejectionOf } from "./support.js";

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function thrown(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error("expected a throw");
}

describe("missing API keys", () => {
  it("openai: MISSING_API_KEY at creation, naming OPENAI_API_KEY and the providers option", () => {
    const error = thrown(() => new ProviderRegistry({}, {}).get("openai"));
    expect(error.code).toBe("MISSING_API_KEY");
    expect(error.message).toContain("OPENAI_API_KEY");
    expect(error.message).toContain("providers: { openai: { apiKey");
  });

  it("anthropic: names ANTHROPIC_API_KEY", () => {
    const error = thrown(() => new ProviderRegistry({}, {}).get("anthropic"));
    expect(error.code).toBe("MISSING_API_KEY");
    expect(error.message).toContain("ANTHROPIC_API_KEY");
    expect(error.message).toContain("providers: { anthropic:");
  });

  it("a remote preset names its own env var", () => {
    const error = thrown(() => new ProviderRegistry({}, {}).get("groq"));
    expect(error.code).toBe("MISSING_API_KEY");
    expect(error.message).toContain("GROQ_API_KEY");
  });

  it("a custom OpenAI-compatible provider on a remote host needs a key too", () => {
    const error = thrown(() =>
      new ProviderRegistry({ "my-server": { kind: "openai-compatible", baseURL: "https://llm.example.com/v1" } }, {}).get("my-server"),
    );
    expect(error.code).toBe("MISSING_API_KEY");
    expect(error.message).toContain("MY_SERVER_API_KEY");
  });

  it("local presets and loopback base URLs need no key", () => {
    const registry = new ProviderRegistry(
      { openai: { baseURL: "http://localhost:9999/v1" }, anthropic: { baseURL: "http://127.0.0.1:9999" } },
      {},
    );
    expect(registry.get("ollama").name).toBe("ollama");
    expect(registry.get("vllm").name).toBe("vllm");
    expect(registry.get("openai").name).toBe("openai");
    expect(registry.get("anthropic").name).toBe("anthropic");
  });

  it("recognises loopback hosts only", () => {
    expect(isLoopbackURL("http://127.0.0.1:8000/v1")).toBe(true);
    expect(isLoopbackURL("http://localhost/v1")).toBe(true);
    expect(isLoopbackURL("http://[::1]:11434/v1")).toBe(true);
    expect(isLoopbackURL("https://api.openai.com/v1")).toBe(false);
    expect(isLoopbackURL("http://127.example.com/v1")).toBe(false);
    expect(isLoopbackURL("not a url")).toBe(false);
  });
});

describe("keys and base URLs from the environment", () => {
  // The server demands the key: a provider that ignored the env var (or sent a placeholder,
  // as it may for a loopback URL) would get a 401.
  it("openai reads OPENAI_API_KEY and OPENAI_BASE_URL from the env it is given", async () => {
    server = await startCheckedSimServer({ apiKey: "sk-env-key-123456", scripts: { [OPENAI_MODEL]: [{ text: "from env" }] } });
    const provider = createOpenAIProvider(
      { name: "openai" },
      { OPENAI_API_KEY: "sk-env-key-123456", OPENAI_BASE_URL: server.openaiBaseURL },
    );
    expect((await provider.call(modelRequest("openai", OPENAI_MODEL))).text).toBe("from env");
  });

  it("anthropic reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL", async () => {
    server = await startCheckedSimServer({ apiKey: "sk-ant-env-1234567", scripts: { [ANTHROPIC_MODEL]: [{ text: "from env" }] } });
    const provider = createAnthropicProvider(
      { name: "anthropic" },
      { ANTHROPIC_API_KEY: "sk-ant-env-1234567", ANTHROPIC_BASE_URL: server.anthropicBaseURL },
    );
    expect((await provider.call(modelRequest("anthropic", ANTHROPIC_MODEL))).text).toBe("from env");
  });

  it("explicit options win over the environment", async () => {
    server = await startCheckedSimServer({ apiKey: "k-explicit", scripts: { [OPENAI_MODEL]: [{ text: "explicit" }] } });
    const provider = createOpenAIProvider(
      { name: "openai", baseURL: server.openaiBaseURL, apiKey: "k-explicit" },
      { OPENAI_BASE_URL: "http://127.0.0.1:1/v1", OPENAI_API_KEY: "sk-env-not-this-one" },
    );
    expect((await provider.call(modelRequest("openai", OPENAI_MODEL))).text).toBe("explicit");
  });

  it("a wrong or missing key is the API's 401: not retried, the key never in the error", async () => {
    server = await startCheckedSimServer({ apiKey: "sk-right-key-000000", defaultScript: [{ text: "unused" }] });
    const wrongOpenAI = createOpenAIProvider({ name: "openai", baseURL: server.openaiBaseURL, apiKey: "sk-wrong-key-987654" }, {});
    const openaiError = await rejectionOf(wrongOpenAI.call(modelRequest("openai", OPENAI_MODEL)));
    expect(openaiError).toMatchObject({ code: "PROVIDER_ERROR", details: { status: 401, retryable: false } });
    expect(openaiError.message).toContain("Incorrect API key provided");
    expect(JSON.stringify(openaiError)).not.toContain("sk-wrong-key-987654");

    const wrongAnthropic = createAnthropicProvider(
      { name: "anthropic", baseURL: server.anthropicBaseURL, apiKey: "sk-wrong-key-987654" },
      {},
    );
    const anthropicError = await rejectionOf(wrongAnthropic.call(modelRequest("anthropic", ANTHROPIC_MODEL)));
    expect(anthropicError).toMatchObject({ code: "PROVIDER_ERROR", details: { status: 401, retryable: false } });
    expect(anthropicError.message).toContain("Invalid bearer token");

    // Loopback base URL and no key: the adapter sends a placeholder, which a keyed server refuses.
    const keyless = createAnthropicProvider({ name: "anthropic", baseURL: server.anthropicBaseURL }, {});
    expect((await rejectionOf(keyless.call(modelRequest("anthropic", ANTHROPIC_MODEL)))).details).toMatchObject({ status: 401 });
    expect(server.requests.map((r) => r.status)).toEqual([401, 401, 401]);
  });

  it("the sim server answers a missing key with each API's own 401 body", async () => {
    server = await startCheckedSimServer({ apiKey: "sk-right-key-000000", defaultScript: [{ text: "unused" }] });
    const post = (path: string, body: unknown) =>
      fetch(`${server!.url}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    const openai = await post("/v1/chat/completions", { model: OPENAI_MODEL, messages: [{ role: "user", content: "hi" }] });
    expect(openai.status).toBe(401);
    expect(await openai.json()).toMatchObject({
      error: { type: "invalid_request_error", code: null, message: expect.stringContaining("You didn't provide an API key") },
    });
    const anthropic = await post("/v1/messages", { model: ANTHROPIC_MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: "x-api-key header is required" },
    });
  });

  it("extra headers from the config are sent; credentials are not recorded", async () => {
    server = await startCheckedSimServer({ scripts: { [OPENAI_MODEL]: [{ text: "ok" }] } });
    const provider = createOpenAIProvider(
      { name: "openai", baseURL: server.openaiBaseURL, apiKey: "sk-secret-abcdef", headers: { "x-team": "blue" } },
      {},
    );
    await provider.call(modelRequest("openai", OPENAI_MODEL));
    const headers = server.requests[0]?.headers ?? {};
    expect(headers["x-team"]).toBe("blue");
    expect(headers.authorization).toBeUndefined();
    expect(JSON.stringify(server.requests)).not.toContain("sk-secret-abcdef");
  });

  it("a refused connection is a retryable PROVIDER_ERROR without a status", async () => {
    const provider = createOpenAIProvider({ name: "openai", baseURL: "http://127.0.0.1:9/v1", apiKey: "k" }, {});
    const error = await rejectionOf(provider.call(modelRequest("openai", OPENAI_MODEL)));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toEqual({ provider: "openai", model: OPENAI_MODEL, retryable: true });
  });

  it("timeoutMs bounds a slow call", async () => {
    server = await startCheckedSimServer({ scripts: { [ANTHROPIC_MODEL]: [{ text: "late", latencyMs: 1500 }] } });
    const provider = createAnthropicProvider({ name: "anthropic", baseURL: server.anthropicBaseURL, apiKey: "k", timeoutMs: 200 }, {});
    const started = Date.now();
    const error = await rejectionOf(provider.call(modelRequest("anthropic", ANTHROPIC_MODEL)));
    expect(Date.now() - started).toBeLessThan(1200);
    expect(error.details).toMatchObject({ retryable: true });
  });
});
