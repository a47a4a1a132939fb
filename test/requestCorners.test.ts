/**
 * Every request a provider accepts, in every corner (issue 13), through the public API and the
 * strict sim server: settings a model does not take (dropped with one warning per run, or
 * refused with strictSettings), a tool-less agent that receives a history with tool calls on each
 * provider, nothing to send, and parallel delegations to one agent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type BatonError, defineTool, type RunEvent, Runner } from "../src/index.js";
import type { SimRequest, SimServer, SimTurn } from "../src/sim/index.js";
import { startCheckedSimServer } from "./support/checkedSimServer.js";
import { simRunners } from "./support/simRunner.js";

const OPENAI = "openai/gpt-4o-mini";
const ANTHROPIC = "anthropic/claude-sonnet-4-20250514";
const wire = (id: string) => id.slice(id.indexOf("/") + 1);

let server: SimServer;
let runner: Runner | undefined;
const scripts = new Map<string, (request: SimRequest) => SimTurn>();
const seen: SimRequest[] = [];
const sim = simRunners();

beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      seen.push(request);
      const script = scripts.get(request.model);
      if (!script) throw new Error(`no script for ${request.model}`);
      return script(request);
    },
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  server.reset();
  scripts.clear();
  seen.length = 0;
});

function newRunner(): Runner {
  runner = new Runner({
    env: {},
    providers: {
      openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
      anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
    },
  });
  return runner;
}

const lookup = defineTool({ name: "lookup", description: "Look it up", parameters: z.object({ q: z.string() }), execute: () => "found" });

describe("settings a model does not take", () => {
  it("are dropped, and said once per run in a warning event and result.warnings", async () => {
    scripts.set("claude-opus-4-7", (request) =>
      request.messages.at(-1)?.role === "tool" ? { text: "done" } : { toolCalls: [{ name: "lookup", args: { q: "x" } }] },
    );
    const stream = newRunner().stream({
      input: "go",
      model: { model: "anthropic/claude-opus-4-7", settings: { temperature: 0.2, maxTokens: 500 } },
      tools: [lookup],
    });
    const warnings: RunEvent[] = [];
    stream.on("warning", (w) => warnings.push(w));
    const result = await stream.result;
    expect(result.stepsUsed).toBe(2);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        code: "SETTING_DROPPED",
        setting: "temperature",
        model: "anthropic/claude-opus-4-7",
        agent: "anthropic/claude-opus-4-7",
      }),
    ]);
    expect(result.warnings[0]!.message).toMatch(/temperature was not sent to anthropic\/claude-opus-4-7/);
    expect(warnings).toHaveLength(1); // two calls, one warning
    for (const request of server.requests) {
      expect(request.body).not.toHaveProperty("temperature");
      expect(request.body).toMatchObject({ max_tokens: 500 });
    }
  });

  it("with strictSettings: true, are an INVALID_OPTIONS before any call", async () => {
    scripts.set("claude-opus-4-7", () => ({ text: "never" }));
    const error = await newRunner()
      .run({ input: "go", model: { model: "anthropic/claude-opus-4-7", settings: { temperature: 0.2 } }, strictSettings: true })
      .catch((e: unknown) => e as BatonError);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
    expect((error as BatonError).message).toMatch(/strictSettings: anthropic\/claude-opus-4-7 does not take temperature/);
    expect(server.requests).toHaveLength(0);
  });

  it("with strictSettings, a policy's modelSettings the model does not take fail the step before its call", async () => {
    scripts.set("claude-opus-4-7", () => ({ text: "never" }));
    const error = await newRunner()
      .run({ input: "go", model: "anthropic/claude-opus-4-7", strictSettings: true, policy: () => ({ modelSettings: { temperature: 1 } }) })
      .catch((e: unknown) => e as BatonError);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
    expect((error as BatonError).partial?.steps[0]).toMatchObject({ stopReason: "error", error: { code: "INVALID_OPTIONS" } });
    expect(server.requests).toHaveLength(0);
  });

  it("unknown models keep every setting", async () => {
    scripts.set("my-model", () => ({ text: "ok" }));
    const r = new Runner({ env: {}, providers: { mine: { kind: "openai-compatible", baseURL: server.openaiBaseURL, apiKey: "k" } } });
    runner = r;
    const result = await r.run({ input: "go", model: { model: "mine/my-model", settings: { temperature: 0.3, topP: 0.9 } } });
    expect(result.warnings).toEqual([]);
    expect(server.requests[0]!.body).toMatchObject({ temperature: 0.3, top_p: 0.9 });
  });
});

describe("a tool-less agent that receives a history with tool calls", () => {
  for (const [researcherModel, writerModel] of [
    [OPENAI, ANTHROPIC],
    [ANTHROPIC, OPENAI],
    [ANTHROPIC, ANTHROPIC],
  ] as const) {
    it(`${researcherModel} (with tools) → ${writerModel} (none): the writer's request is accepted`, async () => {
      scripts.set(wire(researcherModel), (request) => {
        if (request.system?.includes("You write.")) return { text: "the post" };
        const last = request.messages.at(-1);
        return last?.role === "tool" && last.name === "lookup"
          ? { handoff: { to: "writer" } }
          : { toolCalls: [{ name: "lookup", args: { q: "x" } }] };
      });
      if (writerModel !== researcherModel) scripts.set(wire(writerModel), () => ({ text: "the post" }));
      const result = await newRunner().run({
        input: "go",
        agents: [
          { name: "researcher", model: researcherModel, tools: [lookup], handoffs: ["writer"] },
          { name: "writer", model: writerModel, instructions: "You write.", handoffs: [] },
        ],
      });
      expect(result.finalOutput).toBe("the post");
      expect(server.requests.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(seen.at(-1)!.messages.some((m) => m.role === "tool")).toBe(true);
    });
  }
});

describe("nothing to send is a clear error before any call", () => {
  it("an empty or whitespace input with no messages is INVALID_OPTIONS", async () => {
    for (const input of ["", "   \n "]) {
      const error = await newRunner()
        .run({ input, model: ANTHROPIC })
        .catch((e: unknown) => e as BatonError);
      expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
      expect((error as BatonError).message).toMatch(/input is empty/);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("a handoffFilter that leaves nothing fails the handoff with POLICY_ERROR naming the filter, with the partial result", async () => {
    scripts.set(wire(OPENAI), () => ({ handoff: { to: ANTHROPIC } }));
    scripts.set(wire(ANTHROPIC), () => ({ text: "never" }));
    const error = await newRunner()
      .run({ input: "go", model: [OPENAI, ANTHROPIC], handoffFilter: () => [] })
      .catch((e: unknown) => e as BatonError);
    expect(error).toMatchObject({ code: "POLICY_ERROR" });
    expect((error as BatonError).message).toMatch(/handoffFilter for anthropic\/claude-sonnet-4-20250514 left nothing to send/);
    expect((error as BatonError).partial?.handoffs).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });
});

describe("parallel delegations", () => {
  it("two delegations to the same agent in one message both get answers, in the caller's order", async () => {
    let helperCalls = 0;
    const result = await sim({
      boss: (request) => {
        const results = request.messages.filter((m) => m.role === "tool");
        if (results.length) return { text: results.map((m) => m.content).join(" | ") };
        return {
          delegate: [
            { to: "sim/helper", task: "sum 1+1" },
            { to: "sim/helper", task: "sum 2+2" },
          ],
        };
      },
      helper: (request) => {
        helperCalls++;
        const task = request.messages.at(-1)!.content;
        return { text: task === "sum 1+1" ? "2" : "4", latencyMs: task === "sum 1+1" ? 30 : 0 };
      },
    }).run({ input: "go", model: ["sim/boss", "sim/helper"], handoffs: "delegate" });
    expect(helperCalls).toBe(2);
    expect(result.finalOutput).toBe("2 | 4");
    expect(result.toolResults.map((t) => [t.result, t.isError])).toEqual([
      ["2", false],
      ["4", false],
    ]);
  });
});
