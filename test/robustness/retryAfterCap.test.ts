/**
 * Issue 21, item 9: a Retry-After longer than the retry settings allow (`retry.maxDelayMs`) is
 * not slept through: the run fails at once with a PROVIDER_ERROR that says what the provider
 * asked for. Checked with the real SDKs against the sim server and with in-process sim models.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type BatonError, type RunEvent, Runner, type RunnerOptions } from "../../src/index.js";
import { type SimServer, type SimTurn, startSimServer } from "../../src/sim/index.js";
import { batonError, within } from "./support.js";

let server: SimServer | undefined;
let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  await server?.close();
  runner = server = undefined;
});

const RETRY = { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 500 };
const HOUR = 3600;
/** Long enough for a run that does not wait, far shorter than the hour asked for. */
const BOUND_MS = 5_000;

const MODELS = { openai: "gpt-4o-mini", anthropic: "claude-sonnet-4-20250514" } as const;

async function overHttp(provider: keyof typeof MODELS, turns: SimTurn[], retry?: RunnerOptions["retry"]): Promise<Runner> {
  server = await startSimServer({ scripts: { [MODELS[provider]]: turns } });
  runner = new Runner({
    providers: { [provider]: { baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL, apiKey: "sk-test-key" } },
    ...(retry ? { retry } : {}),
  });
  return runner;
}

/** Runs `model` as a stream and returns how it ended, how long it took and the retries it announced. */
async function timedRun(r: Runner, model: string): Promise<{ error: BatonError; ms: number; retries: RunEvent[] }> {
  const retries: RunEvent[] = [];
  const started = performance.now();
  const stream = r.stream({ input: "go", model });
  stream.on("step.retry", (e) => retries.push(e));
  const outcome = await within(stream.result, BOUND_MS);
  const ms = performance.now() - started;
  if (outcome === "pending") throw new Error(`the run was still waiting ${BOUND_MS} ms after start: Retry-After ${HOUR} s was not capped`);
  return { error: batonError(outcome, "run"), ms, retries };
}

/** PROVIDER_ERROR, not retryable any more, with a message naming the wait the provider asked for. */
function expectAskedFor(error: BatonError): void {
  expect(error.code).toBe("PROVIDER_ERROR");
  expect(error.message).toMatch(/3,?600/); // 3600 s or 3600000 ms: what the provider asked for
  expect(error.message).toMatch(/retry/i);
  expect(error.details).toMatchObject({ status: 429 });
  expect(error.partial).toBeDefined();
  expect(error.partial!.messages).toContainEqual({ role: "user", content: "go" });
}

describe("Retry-After beyond the retry cap", () => {
  for (const provider of ["openai", "anthropic"] as const) {
    it(`${provider} SDK: a 429 with Retry-After: ${HOUR} fails the run quickly with a PROVIDER_ERROR naming the wait`, async () => {
      const r = await overHttp(provider, [{ fault: { status: 429, retryAfter: HOUR } }, { text: "never reached" }], RETRY);
      const { error, ms, retries } = await timedRun(r, `${provider}/${MODELS[provider]}`);
      expectAskedFor(error);
      expect(ms).toBeLessThan(RETRY.maxDelayMs + 1_000);
      for (const retry of retries) expect((retry as { delayMs: number }).delayMs).toBeLessThanOrEqual(RETRY.maxDelayMs);
      expect(server!.requests.map((q) => q.status)).toEqual([429]);
    });
  }

  it("with the default retry settings (maxDelayMs 8000) an hour is refused too", async () => {
    const r = await overHttp("openai", [{ fault: { status: 429, retryAfter: HOUR } }, { text: "never reached" }]);
    const { error, ms } = await timedRun(r, `openai/${MODELS.openai}`);
    expectAskedFor(error);
    expect(ms).toBeLessThan(2_000);
  });

  it("in-process sim model: a 429 with retryAfter 3600 fails quickly with a PROVIDER_ERROR naming the wait", async () => {
    runner = new Runner({
      retry: RETRY,
      providers: { sim: { scripts: { a: [{ fault: { status: 429, retryAfter: HOUR } }, { text: "x" }] } } },
    });
    const { error, ms } = await timedRun(runner, "sim/a");
    expectAskedFor(error);
    expect(ms).toBeLessThan(RETRY.maxDelayMs + 1_000);
  });

  it("a Retry-After within the cap is still honoured (the wait, then the answer)", async () => {
    const r = await overHttp("openai", [{ fault: { status: 429, retryAfter: 0.3 } }, { text: "after the wait" }], RETRY);
    const started = performance.now();
    const result = await r.run({ input: "go", model: `openai/${MODELS.openai}` });
    expect(result.finalOutput).toBe("after the wait");
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });
});
