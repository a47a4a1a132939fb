/**
 * Every message between actors is plain data (issue 12, DESIGN §2): captured from real runs
 * through XState's `inspect` (sim models, local tools, a handoff, a delegation, a policy
 * function, typed output, a handoff filter, streaming, faults, cancels, a listener that throws,
 * and a real MCP server over stdio), each message must survive JSON.stringify/JSON.parse and
 * structuredClone unchanged. Capturing from real runs is what proves that no AbortSignal,
 * closure or actor ref travels in a message. The few types no run produces are built by hand
 * (typed against their declarations) and listed in HAND_BUILT.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { z } from "zod";
import type { ConnectionCommand, ConnectionReport, McpServiceEvent } from "../../machines/mcp/protocol.js";
import { defineTool, memoryStore, Runner, type RunStore } from "../../src/index.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const PROBE = path.join(ROOT, "test/mcp/fixtures/probeServer.mjs");

/** One message as XState delivered it: its type, the kind of actor it went to, and the event object itself. */
interface Captured {
  type: string;
  /** Kind of the sender (`team`, `agent`, …) when XState knows it (sent by an action), else undefined (a direct `send`). */
  from: string | undefined;
  to: string;
  event: Record<string, unknown>;
}

/** `team:t1` → `team`, `connection-3` → `connection`, `shard-12` → `shard`. */
function kindOf(ref: unknown): string | undefined {
  if (!ref) return undefined;
  const { systemId, id } = ref as { systemId?: string; id: string };
  return (systemId ?? id).split(/[:-]/)[0];
}

const captured: Captured[] = [];

function capture(event: InspectionEvent): void {
  if (event.type !== "@xstate.event") return;
  const message = event.event as Record<string, unknown> & { type: string };
  // XState's own events (init, timers, child done) are not baton's protocol.
  if (message.type.startsWith("xstate.")) return;
  captured.push({ type: message.type, from: kindOf(event.sourceRef), to: kindOf(event.actorRef) ?? "?", event: message });
}

const abortOn = new Map<string, AbortController>();

/** A durable store that commits later (like a server's): answers are written before tools run, and waited on. */
function laterStore(): RunStore {
  const memory = memoryStore();
  return {
    durable: true,
    commitsLater: true,
    append: async (runId, records) => memory.append(runId, records),
    load: (runId) => memory.load(runId),
    unfinished: () => memory.unfinished(),
    claim: (runId, owner, ttlMs) => memory.claim(runId, owner, ttlMs),
    release: (runId, owner) => memory.release(runId, owner),
  };
}

/** Runs every scenario on one Runner; what each sends is captured. */
async function runScenarios(): Promise<void> {
  const runner = new Runner({
    store: laterStore(),
    inspect: (event) => {
      capture(event);
      // Cancel a run as soon as its slow call is under way (a tool call, or a model call).
      if (event.type === "@xstate.event") {
        const e = event.event as { type: string; name?: string; request?: { model?: string } };
        const key = e.type === "TOOL.CALL" ? e.name : e.type === "CALL" ? e.request?.model : undefined;
        const controller = key ? abortOn.get(key) : undefined;
        if (controller) setTimeout(() => controller.abort(), 0);
      }
    },
    retry: { maxRetries: 0 },
    providers: {
      sim: {
        scripts: {
          lead: (req) =>
            req.callIndex === 0
              ? { toolCalls: [{ name: "calc", args: { a: 1 } }], delegate: [{ to: "helper", task: "sum it up" }] }
              : { handoff: { to: "writer", reason: "it writes", task: "write it" } },
          helper: [{ text: "four" }],
          writer: (req) => (req.callIndex === 0 ? { text: "not json" } : { text: '{"n":4}' }),
          plain: [
            {
              toolCalls: [
                { name: "calc", args: { a: 2 } },
                { name: "guarded", args: {} },
              ],
            },
            { text: "done" },
          ],
          // Reads the transcript: a resumed run starts a new sim session (its turn count starts again).
          approving: (req) =>
            req.messages.some((m) => m.role === "tool")
              ? { text: "done" }
              : {
                  toolCalls: [
                    { name: "calc", args: { a: 2 } },
                    { name: "guarded", args: {} },
                  ],
                },
          broken: [{ fault: { status: 400, message: "bad request" } }],
          lazy: [{ text: "zzz", latencyMs: 5_000 }],
          waits: [{ toolCalls: [{ name: "slow" }] }],
          mcp: (req) =>
            req.callIndex === 0 ? { toolCalls: [{ name: "add_tool", args: { name: "extra", reply: "hi" } }] } : { text: "added" },
          mcpWait: [{ toolCalls: [{ name: "wait", args: { ms: 10_000 } }] }],
        },
      },
    },
  });
  const calc = defineTool({ name: "calc", description: "adds one", parameters: z.object({ a: z.number() }), execute: ({ a }) => a + 1 });
  const guarded = defineTool({
    name: "guarded",
    description: "needs a person",
    parameters: z.object({}),
    needsApproval: true,
    execute: () => "ran",
  });
  const slow = defineTool({
    name: "slow",
    description: "waits until cancelled",
    parameters: z.object({}),
    execute: (_, { signal }) => new Promise((resolve) => signal.addEventListener("abort", () => resolve("cancelled"))),
  });
  const cancelled = (key: string) => {
    const controller = new AbortController();
    abortOn.set(key, controller);
    return controller.signal;
  };
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error("the run should have failed");
      },
      (error: { code?: string }) => error.code,
    );
  try {
    // A streamed run: local tool, delegation, handoff through a filter, typed output with a repair, a policy function.
    const stream = runner.stream({
      input: "go",
      tools: [calc],
      handoffs: "both",
      policy: () => ({}),
      agents: [
        { name: "lead", model: "sim/lead" },
        { name: "helper", model: "sim/helper" },
        { name: "writer", model: "sim/writer", handoffFilter: (messages) => messages.slice(0, 1), output: z.object({ n: z.number() }) },
      ],
    });
    for await (const _ of stream) {
      // drain
    }
    expect((await stream.result).finalOutput).toEqual({ n: 4 });
    // Standing grants (STEP.DONE), a tool that needs approval (STEP.INTERRUPT), approved (a resumed
    // TASK); a plain policy that stops (STEP.DENY).
    const waiting = await runner.run({ input: "go", model: "sim/approving", tools: [calc, guarded] });
    expect(waiting.status).toBe("interrupted");
    const approved = await runner.resume(waiting.runId, {
      approve: (waiting.interruptions ?? []).map((i) => i.id),
      model: "sim/approving",
      tools: [calc, guarded],
    });
    expect(approved.status).toBe("completed");
    expect((await runner.run({ input: "go", model: "sim/plain", policy: { stop: "no" } })).status).toBe("stopped");
    // A provider failure; cancels while calling and while a tool runs; a listener that throws.
    expect(await failure(runner.run({ input: "go", model: "sim/broken" }))).toBe("PROVIDER_ERROR");
    expect(await failure(runner.run({ input: "go", model: "sim/lazy", signal: cancelled("lazy") }))).toBe("CANCELLED");
    expect(await failure(runner.run({ input: "go", model: "sim/waits", tools: [slow], signal: cancelled("slow") }))).toBe("CANCELLED");
    const team = runner.team({ model: "sim/plain", tools: [calc, guarded] });
    let broke = false;
    team.on("tool.called", () => {
      // Once: a second throw, on the next call's event that comes after run.failed, is rethrown
      // outside and would crash the process (see channelAfterRunEnd.test.ts).
      if (broke) return;
      broke = true;
      throw new Error("listener broke");
    });
    expect(await failure(team.run("go"))).toBe("LISTENER_ERROR");
    await team.stop();
    // A real MCP server (stdio): a call, its list_changed, and a call cancelled while it runs; a server that cannot start.
    const probe = { command: process.execPath, args: [PROBE], env: { PROBE_LOG: "/dev/null" } };
    expect((await runner.run({ input: "go", model: "sim/mcp", mcpServers: [probe] })).finalOutput).toBe("added");
    expect(await failure(runner.run({ input: "go", model: "sim/mcpWait", mcpServers: [probe], signal: cancelled("wait") }))).toBe(
      "CANCELLED",
    );
    expect(
      await failure(
        runner.run({ input: "go", model: "sim/plain", mcpServers: [{ command: process.execPath, args: ["-e", "process.exit(3)"] }] }),
      ),
    ).toBe("MCP_ERROR");
  } finally {
    await runner.close();
  }
}

/** Messages no run of the scenarios produces, built by hand against their declared types. */
const HAND_BUILT: Array<{ name: string; why: string; event: object }> = [
  {
    name: "CONN.CLOSED (connection → MCP service)",
    why: "needs a server that dies mid-session",
    event: { type: "CONN.CLOSED", gen: 2, failure: { message: "Lost the connection", stderr: "boom\n" } } satisfies ConnectionReport,
  },
  {
    name: "CONN.SUSPECT (connection → MCP service)",
    why: "HTTP transports only",
    event: { type: "CONN.SUSPECT", gen: 1, reason: "fetch failed" } satisfies ConnectionReport,
  },
  {
    name: "CONN.AUTHORIZING (connection → MCP service)",
    why: "HTTP servers with OAuth only (test/mcp/auth.test.ts)",
    event: { type: "CONN.AUTHORIZING", gen: 1 } satisfies ConnectionReport,
  },
  { name: "PROBE (MCP service → connection)", why: "HTTP transports only", event: { type: "PROBE" } satisfies ConnectionCommand },
  {
    name: "WAIT.EXPIRED (MCP service → itself)",
    why: "a call queued while the server (re)connects, longer than its timeout",
    event: { type: "WAIT.EXPIRED", callId: "t1:a#1" } satisfies McpServiceEvent,
  },
  { name: "RETRY (pool → MCP service)", why: "a second run on a server that failed", event: { type: "RETRY" } satisfies McpServiceEvent },
  {
    name: "TOOLS (MCP service → list requester)",
    why: "answers LIST_TOOLS, which only a test harness sends",
    event: {
      type: "TOOLS",
      server: "web",
      tools: [{ spec: { name: "f", description: "", parameters: {} }, service: "mcp:web", remoteName: "f", source: "web" }],
    },
  },
];

/** Which captured messages stand for each message type of the protocols (type, and where it goes). */
const go =
  (type: string, to: string, extra: (c: Captured) => boolean = () => true) =>
  (c: Captured) =>
    c.type === type && c.to === to && extra(c);
const mcpCallIds = () => new Set(captured.filter((c) => c.type === "TOOL.CALL" && c.to === "mcp").map((c) => c.event.callId));

const PROTOCOL: Array<[string, (c: Captured) => boolean]> = [
  // team protocol (machines/team/protocol.ts)
  ["RUN (host → supervisor)", go("RUN", "team")],
  ["CANCEL (host → supervisor)", go("CANCEL", "team")],
  ["RUN.ABORT (host → supervisor)", go("RUN.ABORT", "team")],
  ["TASK with a grant", go("TASK", "agent", (c) => c.event.grant !== undefined)],
  ["TASK without a grant", go("TASK", "agent", (c) => c.event.grant === undefined)],
  ["TASK of a delegation", go("TASK", "agent", (c) => c.event.delegation !== undefined)],
  ["TASK of a handoff", go("TASK", "agent", (c) => c.event.handoff !== undefined)],
  ["STEP.GRANT", go("STEP.GRANT", "agent")],
  ["STEP.DENY", go("STEP.DENY", "agent")],
  ["CANCEL (supervisor → agent)", go("CANCEL", "agent")],
  ["TOOL.RESULT (supervisor → agent: a delegation's answer)", go("TOOL.RESULT", "agent", (c) => c.from === "team")],
  ["TASK of a resumed run", go("TASK", "agent", (c) => c.event.resume !== undefined)],
  ["STEP.DONE", go("STEP.DONE", "team")],
  ["STEP.ANSWERED (agent → supervisor: write the answer down)", go("STEP.ANSWERED", "team")],
  ["CHECKPOINT.COMMITTED (host → supervisor)", go("CHECKPOINT.COMMITTED", "team")],
  ["STEP.COMMITTED (supervisor → agent)", go("STEP.COMMITTED", "agent")],
  ["STEP.INTERRUPT", go("STEP.INTERRUPT", "team")],
  ["STEP.REQUEST without a report", go("STEP.REQUEST", "team", (c) => c.event.done === undefined)],
  ["STEP.REQUEST with a report", go("STEP.REQUEST", "team", (c) => c.event.done !== undefined)],
  ["HANDOFF", go("HANDOFF", "team")],
  ["FINAL", go("FINAL", "team")],
  ["FAILED", go("FAILED", "team")],
  ["DELEGATE", go("DELEGATE", "team")],
  ["POLICY.ASK", go("POLICY.ASK", "callbacks")],
  ["POLICY.ANSWER", go("POLICY.ANSWER", "team")],
  ["FILTER.ASK", go("FILTER.ASK", "callbacks")],
  ["FILTER.ANSWER", go("FILTER.ANSWER", "team")],
  ["OUTPUT.CHECK", go("OUTPUT.CHECK", "callbacks")],
  ["OUTPUT.ANSWER ok", go("OUTPUT.ANSWER", "team", (c) => c.event.ok === true)],
  ["OUTPUT.ANSWER not ok", go("OUTPUT.ANSWER", "team", (c) => c.event.ok === false)],
  ["TEXT.DELTA (provider service → event channel)", go("TEXT.DELTA", "events")],
  ["PROGRESS tool.called", go("PROGRESS", "events", (c) => (c.event.event as { type: string }).type === "tool.called")],
  ["PROGRESS tool.result", go("PROGRESS", "events", (c) => (c.event.event as { type: string }).type === "tool.result")],
  // tools protocol (machines/tools/protocol.ts)
  ["TOOL.CALL (agent → local tools)", go("TOOL.CALL", "tools")],
  ["TOOL.CANCEL (agent → local tools)", go("TOOL.CANCEL", "tools")],
  ["TOOL.RESULT (local tools → agent)", go("TOOL.RESULT", "agent", (c) => c.from === undefined && !mcpCallIds().has(c.event.callId))],
  ["TOOL.RESULT needsApproval", go("TOOL.RESULT", "agent", (c) => c.event.needsApproval === true)],
  // provider protocol (machines/providers/protocol.ts)
  ["CALL (agent → provider service)", go("CALL", "provider")],
  ["CALL with deltas (streaming)", go("CALL", "provider", (c) => c.event.deltas !== undefined)],
  ["CALL.ABORT", go("CALL.ABORT", "provider")],
  ["CALL.DONE", go("CALL.DONE", "agent")],
  ["CALL.FAILED", go("CALL.FAILED", "agent")],
  // MCP service (machines/mcp/service.ts, actors/mcp/connection.ts)
  ["TOOL.CALL (agent → MCP service)", go("TOOL.CALL", "mcp")],
  ["TOOL.CANCEL (agent → MCP service)", go("TOOL.CANCEL", "mcp")],
  ["TOOL.RESULT (MCP service → agent)", go("TOOL.RESULT", "agent", (c) => mcpCallIds().has(c.event.callId))],
  ["CONN.READY", go("CONN.READY", "mcp")],
  ["CONN.FAILED", go("CONN.FAILED", "mcp")],
  ["CONN.TOOLS", go("CONN.TOOLS", "mcp")],
  ["CONN.RESULT", go("CONN.RESULT", "mcp")],
  ["SHUTDOWN", go("SHUTDOWN", "mcp")],
  ["CALL (MCP service → connection)", go("CALL", "connection")],
  ["CANCEL (MCP service → connection)", go("CANCEL", "connection")],
  ["REPLY.START (MCP service → its outbox)", go("REPLY.START", "replies")],
  ["REPLY (MCP service → its outbox)", go("REPLY", "replies")],
];

/** The path of the first part of `value` that is not plain JSON data, or undefined when all of it is. */
function notPlain(value: unknown, at = "$"): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${at} (${value})`;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const bad = item === undefined ? `${at}[${i}] (undefined)` : notPlain(item, `${at}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return `${at} (a ${proto?.constructor?.name ?? "class instance"})`;
    for (const [key, item] of Object.entries(value)) {
      // An undefined field is dropped by JSON: the same message, read either way.
      if (item === undefined) continue;
      const bad = notPlain(item, `${at}.${key}`);
      if (bad) return bad;
    }
    return undefined;
  }
  return `${at} (a ${typeof value})`;
}

/** The message without its undefined fields (what JSON keeps of it). */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, defined(v)]])));
  }
  return value;
}

function expectPlain(event: object): void {
  expect(notPlain(event)).toBeUndefined();
  expect(JSON.parse(JSON.stringify(event))).toStrictEqual(defined(event));
  expect(structuredClone(event)).toStrictEqual(event);
}

describe("every protocol message is plain data", () => {
  beforeAll(runScenarios, 30_000);

  it.each(PROTOCOL)("%s: captured from a real run, and round-trips through JSON and structuredClone", (_, matches) => {
    const found = captured.filter(matches);
    expect(found.length).toBeGreaterThan(0);
    for (const message of found) expectPlain(message.event);
  });

  it.each(HAND_BUILT.map((h) => [h.name, h] as const))("%s (built by hand) round-trips", (_, { event }) => {
    expectPlain(event);
  });

  it("every message type the protocol files declare is checked here, captured or built", () => {
    const files = [
      "machines/team/protocol.ts",
      "machines/tools/protocol.ts",
      "machines/providers/protocol.ts",
      "machines/mcp/service.ts",
      "machines/mcp/protocol.ts",
      "actors/mcp/connection.ts",
    ];
    const declared = new Set(
      files.flatMap((file) => [...readFileSync(path.join(ROOT, file), "utf8").matchAll(/type: "([A-Z_.]+)"/g)].map((m) => m[1]!)),
    );
    const checked = new Set([
      ...PROTOCOL.map(([name]) => name.split(" ")[0]!),
      ...HAND_BUILT.map((h) => h.name.split(" ")[0]!),
      "LIST_TOOLS",
    ]);
    expect([...declared].filter((type) => !checked.has(type))).toEqual([]);
  });

  it("no other message travels between baton's actors but the Runner's own SPAWN and STOP", () => {
    const known = new Set(PROTOCOL.map(([name]) => name.split(" ")[0]!));
    const others = new Set(captured.filter((c) => !known.has(c.type)).map((c) => `${c.type} → ${c.to}`));
    // SPAWN carries the logic and input of the actor to start (functions, user tools): the
    // Runner's root is told what to start, it is not a message between baton's actors.
    expect([...others].filter((o) => !/^(SPAWN|STOP) → shard$/.test(o))).toEqual([]);
  });
});
