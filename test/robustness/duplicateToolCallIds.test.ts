/**
 * Issue 21, item 5: tool call ids from a model are made unique when they enter the transcript,
 * for the same model too. Two calls with one id in one answer each keep their own result, and the
 * next request is valid (the sim server refuses duplicate ids with a 400, as the real APIs do).
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type Message, Runner, type RunResult } from "../../src/index.js";
import { type SimRequest, type SimServer, startSimServer } from "../../src/sim/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { simRunners } from "../support/simRunner.js";

const simRunner = simRunners();

const first = defineTool({ name: "first", description: "first", parameters: z.object({}), execute: () => "result of first" });
const second = defineTool({ name: "second", description: "second", parameters: z.object({}), execute: () => "result of second" });

function callIds(messages: readonly Message[]): string[] {
  return messages.flatMap((m) => (m.role === "assistant" ? (m.toolCalls ?? []).map((c) => c.id) : []));
}

/** Every tool call id is unique, every call answered once, and each answer is its own tool's result. */
function expectSound(messages: readonly Message[]): void {
  const ids = callIds(messages);
  expect(new Set(ids).size, `tool call ids ${ids.join(", ")}`).toBe(ids.length);
  expect(findTranscriptProblems(messages)).toEqual([]);
  const names = new Map<string, string>();
  for (const m of messages) if (m.role === "assistant") for (const c of m.toolCalls ?? []) names.set(c.id, c.name);
  for (const m of messages) {
    if (m.role !== "tool" || !["first", "second"].includes(m.name)) continue;
    expect(names.get(m.toolCallId)).toBe(m.name);
    expect(m.content).toBe(`result of ${m.name}`);
  }
}

function expectBothResults(result: RunResult): void {
  expect(result.status).toBe("completed");
  expect(result.toolResults.map((t) => [t.name, t.result])).toEqual([
    ["first", "result of first"],
    ["second", "result of second"],
  ]);
  expect(result.messages.filter((m) => m.role === "tool").map((m) => m.content)).toEqual(["result of first", "result of second"]);
  expectSound(result.messages);
}

describe("duplicate tool call ids, in-process sim models", () => {
  it("two calls with the same id in one answer each get their own result; the next request has unique ids", async () => {
    const requests: SimRequest[] = [];
    const runner = simRunner({
      a: (request) => {
        requests.push(request);
        return request.callIndex === 0
          ? {
              toolCalls: [
                { name: "first", id: "dup" },
                { name: "second", id: "dup" },
              ],
            }
          : { text: "done" };
      },
    });
    const result = await runner.run({ input: "go", model: "sim/a", tools: [first, second] });
    expectBothResults(result);
    expect(requests).toHaveLength(2);
    expectSound(requests[1]!.messages);
  });

  it("the same model reusing an id in a later step gets a unique id in the transcript", async () => {
    const runner = simRunner({
      a: [{ toolCalls: [{ name: "first", id: "again" }] }, { toolCalls: [{ name: "second", id: "again" }] }, { text: "done" }],
    });
    const result = await runner.run({ input: "go", model: "sim/a", tools: [first, second] });
    expectBothResults(result);
  });

  it("a team of sim models with default ids (each model's start at call_0_0) has unique ids in result.messages", async () => {
    const runner = simRunner({
      a: [{ toolCalls: [{ name: "first" }] }, { handoff: "sim/b" }],
      b: [{ toolCalls: [{ name: "second" }] }, { text: "done" }],
    });
    const result = await runner.run({ input: "go", model: ["sim/a", "sim/b"], tools: [first, second] });
    expect(result.finalOutput).toBe("done");
    expectSound(result.messages);
  });

  it("ids repeated across runs of a long-lived team stay unique in its conversation", async () => {
    const runner = simRunner({
      a: (request) => (request.callIndex % 2 === 0 ? { toolCalls: [{ name: "first", id: "same" }] } : { text: "ok" }),
    });
    const team = runner.team({ model: "sim/a", tools: [first] });
    await team.run("one");
    const result = await team.run("two");
    expect(result.status).toBe("completed");
    expectSound(result.messages);
    expectSound(team.snapshot().transcript);
  });
});

describe("duplicate tool call ids, real SDKs against the sim server", () => {
  let server: SimServer | undefined;
  let runner: Runner | undefined;
  afterEach(async () => {
    await runner?.close();
    await server?.close();
    runner = server = undefined;
  });

  const cases = [
    { provider: "openai", model: "gpt-4o-mini", id: "call_dup" },
    { provider: "anthropic", model: "claude-sonnet-4-20250514", id: "toolu_dup" },
  ] as const;

  for (const { provider, model, id } of cases) {
    it(`${provider}: two calls with id ${id} in one answer: both results kept, the next request accepted`, async () => {
      server = await startSimServer({
        scripts: {
          [model]: [
            {
              toolCalls: [
                { name: "first", id },
                { name: "second", id },
              ],
            },
            { text: "done" },
          ],
        },
      });
      runner = new Runner({
        providers: {
          [provider]: { baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL, apiKey: "sk-test-key" },
        },
        retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
      });
      const result = await runner.run({ input: "go", model: `${provider}/${model}`, tools: [first, second] });
      expectBothResults(result);
      expect(server.requests.map((q) => q.status)).toEqual([200, 200]);
    });
  }
});
