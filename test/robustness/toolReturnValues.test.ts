/**
 * Issue 21, item 4: whatever a local tool returns becomes readable text for the model: Symbols,
 * functions, BigInts, circular objects, objects whose getters or toJSON throw. The next model
 * call gets a string, the run completes, and the transcript holds no `undefined` content. Checked
 * with in-process sim models and with the real SDKs against the sim server (which answers a
 * malformed tool result with a 400, as the real APIs do).
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type Message, Runner, type RunResult } from "../../src/index.js";
import { type SimRequest, type SimServer, startSimServer } from "../../src/sim/index.js";
import { simRunners } from "../support/simRunner.js";
import { processErrors, within } from "./support.js";

const escaped = processErrors();
const simRunner = simRunners();

function circular(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: "loop" };
  value.self = value;
  return value;
}

function namedFunction() {
  return 1;
}

/** What a tool returns, and what the model must read (a string, or a check on the text). */
const CASES: Array<{ label: string; value: () => unknown; text: string | RegExp }> = [
  { label: "a Symbol", value: () => Symbol("tag"), text: "Symbol(tag)" },
  { label: "a named function", value: () => namedFunction, text: "[function namedFunction]" },
  { label: "an anonymous function", value: () => [() => 1][0], text: "[function]" },
  { label: "a BigInt", value: () => 12345678901234567890n, text: "12345678901234567890" },
  { label: "a circular object", value: circular, text: '{"name":"loop","self":"[Circular]"}' },
  {
    label: "an object holding a BigInt, a function and a Symbol",
    value: () => ({ big: 1n, fn: namedFunction, sym: Symbol("s"), nested: { ok: true } }),
    text: '{"big":"1","fn":"[function namedFunction]","sym":"Symbol(s)","nested":{"ok":true}}',
  },
  {
    label: "a shared (not circular) reference",
    value: () => {
      const shared = { v: 1 };
      return { a: shared, b: shared };
    },
    text: '{"a":{"v":1},"b":{"v":1}}',
  },
  { label: "a Map", value: () => new Map<unknown, unknown>([["a", 1]]), text: '[["a",1]]' },
  { label: "a Set", value: () => new Set([1, 2]), text: "[1,2]" },
  { label: "an Error", value: () => new Error("nope"), text: '{"name":"Error","message":"nope"}' },
  { label: "NaN", value: () => Number.NaN, text: "NaN" },
  { label: "a number", value: () => 42, text: "42" },
  { label: "undefined", value: () => undefined, text: "" },
  { label: "null", value: () => null, text: "" },
  { label: "a boolean", value: () => false, text: "false" },
  {
    label: "a null-prototype object",
    value: () => Object.assign(Object.create(null) as object, { a: 1 }),
    text: '{"a":1}',
  },
  {
    label: "an object with a throwing getter",
    value: () => ({
      ok: 1,
      get bad(): number {
        throw new Error("getter exploded");
      },
    }),
    text: /ok: 1/,
  },
  {
    label: "an object whose toJSON throws",
    value: () => ({
      a: 1,
      toJSON() {
        throw new Error("toJSON exploded");
      },
    }),
    text: /a: 1/,
  },
];

function weirdTool(value: () => unknown) {
  return defineTool({ name: "weird", description: "returns something odd", parameters: z.object({}), execute: () => value() });
}

function toolContents(messages: readonly Message[]): unknown[] {
  return messages.filter((m) => m.role === "tool").map((m) => m.content);
}

function expectText(actual: unknown, text: string | RegExp): void {
  expect(typeof actual).toBe("string");
  if (typeof text === "string") expect(actual).toBe(text);
  else expect(actual).toMatch(text);
}

function expectReadable(result: RunResult, text: string | RegExp): void {
  expect(result.status).toBe("completed");
  expect(result.toolResults).toHaveLength(1);
  expect(result.toolResults[0]!.isError).toBe(false);
  expectText(result.toolResults[0]!.result, text);
  const contents = toolContents(result.messages);
  expect(contents).toHaveLength(1);
  expectText(contents[0], text);
}

describe("tool return values become readable text (in-process sim)", () => {
  for (const { label, value, text } of CASES) {
    it(`${label}`, async () => {
      let seen: readonly Message[] = [];
      const runner = simRunner({
        a: (request: SimRequest) => {
          if (request.callIndex === 0) return { toolCalls: [{ name: "weird" }] };
          seen = request.messages;
          return { text: "done" };
        },
      });
      const result = await runner.run({ input: "go", model: "sim/a", tools: [weirdTool(value)] });
      expectReadable(result, text);
      // The model's next call read the same text.
      const contents = toolContents(seen);
      expect(contents).toHaveLength(1);
      expectText(contents[0], text);
      expect(escaped).toEqual([]);
    });
  }
});

describe("a returned value that throws when read", () => {
  it("a Proxy whose traps throw: the tool's answer cannot be read, so the model gets a clear error result", async () => {
    const runner = simRunner({ a: [{ toolCalls: [{ name: "weird" }] }, { text: "done" }] });
    const trap = () => {
      throw new Error("trap");
    };
    const result = await runner.run({ input: "go", model: "sim/a", tools: [weirdTool(() => new Proxy({}, { get: trap, ownKeys: trap }))] });
    expect(result.status).toBe("completed");
    expect(result.toolResults[0]).toMatchObject({ isError: true, result: expect.stringMatching(/^Error: \S/) });
    expect(typeof toolContents(result.messages)[0]).toBe("string");
  });
});

describe("tool return values over the wire (real SDKs against the sim server)", () => {
  let server: SimServer | undefined;
  let runner: Runner | undefined;
  afterEach(async () => {
    await runner?.close();
    await server?.close();
    runner = server = undefined;
  });

  const wire = [
    { provider: "openai", model: "gpt-4o-mini" },
    { provider: "anthropic", model: "claude-sonnet-4-20250514" },
  ] as const;
  const picked = CASES.filter((c) => ["a Symbol", "a named function", "a BigInt", "a circular object", "undefined"].includes(c.label));

  for (const { provider, model } of wire) {
    it(`${provider}: a Symbol, a function, a BigInt, a circular object and undefined each reach the API as text, and the API accepts them`, async () => {
      for (const { label, value, text } of picked) {
        server = await startSimServer({ scripts: { [model]: [{ toolCalls: [{ name: "weird" }] }, { text: "done" }] } });
        runner = new Runner({
          providers: {
            [provider]: { baseURL: provider === "openai" ? server.openaiBaseURL : server.anthropicBaseURL, apiKey: "sk-test-key" },
          },
          retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
        });
        const result = await runner.run({ input: "go", model: `${provider}/${model}`, tools: [weirdTool(value)] });
        expectReadable(result, text);
        expect(
          server.requests.map((q) => q.status),
          label,
        ).toEqual([200, 200]);
        await runner.close();
        await server.close();
        runner = server = undefined;
      }
    });
  }
});

describe("tools that throw something other than an Error", () => {
  // Depends on the tool executor (actors/tools/executor.ts, the lead's) describing the thrown value
  // with toolErrorText from src/tools/defineTool.ts instead of String(error), which throws for these.
  const thrown: Array<{ label: string; value: () => unknown; text: RegExp }> = [
    { label: "a string", value: () => "plain failure", text: /^Error: plain failure$/ },
    { label: "a Symbol", value: () => Symbol("why"), text: /^Error: Symbol\(why\)$/ },
    {
      label: "a null-prototype object",
      value: () => Object.assign(Object.create(null) as object, { reason: "x" }),
      text: /^Error: .*reason/,
    },
    {
      label: "an object whose toString throws",
      value: () => ({
        toString() {
          throw new Error("no string for you");
        },
      }),
      text: /^Error: \S/,
    },
  ];
  for (const { label, value, text } of thrown) {
    it(`a tool that throws ${label} gives the model a clear error result and the run goes on`, async () => {
      const runner = simRunner({ a: [{ toolCalls: [{ name: "throws" }] }, { text: "recovered" }] });
      const tool = defineTool({
        name: "throws",
        description: "throws",
        parameters: z.object({}),
        execute: () => {
          throw value();
        },
      });
      const outcome = await within(runner.run({ input: "go", model: "sim/a", tools: [tool] }), 3_000);
      if (outcome === "pending") throw new Error("the run hangs after the tool threw");
      if (!outcome.ok) throw outcome.error;
      expect(outcome.value.finalOutput).toBe("recovered");
      expect(outcome.value.toolResults[0]).toMatchObject({ isError: true, result: expect.stringMatching(text) });
      expect(escaped).toEqual([]);
    });
  }
});
