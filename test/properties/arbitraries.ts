/**
 * fast-check generators of whole scenarios for baton, as plain data (printable, shrinkable,
 * replayable by seed), and the functions that turn that data into what the public API takes:
 * sim scripts, tools and policies. A scenario is 1–20 concurrent runs on one Runner; each run
 * has its own team of 1–3 sim models with random scripts (text, tool calls with good and bad
 * arguments and duplicate ids, handoffs, delegations, faults, thrown errors, latency), a random
 * policy, random tools (ok, throwing, slow, odd return values), limits and an abort at a random
 * time.
 *
 * Moves made by generated policies always name a fixed model: a policy that moves the task to
 * "the other model" on every call bounces forever without yielding (issue 21, item 1), which
 * test/robustness/policyMoves.test.ts covers in a child process it can kill.
 */
import fc from "fast-check";
import { z } from "zod";
import { defineTool, type HandoffMode, type Policy, type PolicyDecision, policies, type Tool } from "../../src/index.js";
import type { SimScript, SimTurn } from "../../src/sim/index.js";

export const TOOL_KINDS = ["ok", "throws", "slow", "odd"] as const;
export type ToolKind = (typeof TOOL_KINDS)[number];

/** One tool call in a scripted turn. `unknown` names a tool the run does not have. */
export interface CallSpec {
  tool: ToolKind | "unknown";
  n: number;
  /** Arguments that fail the tool's schema. */
  badArgs: boolean;
  /** Use the id "dup" (so two such calls in one answer share an id). */
  dupId: boolean;
}

/** A model index in the run's team; an index past the team names a model that is not in it. */
export type ModelIndex = number;

export type TurnSpec =
  | { kind: "text"; text: string; latencyMs: number }
  | { kind: "tools"; calls: CallSpec[]; text: string; latencyMs: number }
  | { kind: "handoff"; to: ModelIndex; calls: CallSpec[] }
  | { kind: "delegate"; to: ModelIndex[] }
  | { kind: "fault"; status: 400 | 429 | 500 | 503; retryAfterS: number | undefined; latencyMs: number }
  /** The script function throws. */
  | { kind: "throw"; message: string };

export type DecisionSpec =
  | { kind: "none" }
  | { kind: "move"; to: ModelIndex }
  | { kind: "stop" }
  | { kind: "append"; text: string }
  | { kind: "prepend"; text: string }
  | { kind: "maxSteps"; n: number }
  | { kind: "tools"; keep: ToolKind[] }
  | { kind: "settings"; temperature: number };

export type PolicySpec =
  | { kind: "none" }
  | { kind: "object"; decision: DecisionSpec }
  /** Decides by step (`byStep[step - 1]`, nothing past the list); may throw at one step; sync or async. */
  | { kind: "function"; byStep: DecisionSpec[]; throwAtStep: number | undefined; async: boolean }
  | { kind: "fallback" }
  | { kind: "fallbackAndFunction"; byStep: DecisionSpec[] }
  | { kind: "finishBy"; step: number }
  | { kind: "maxHandoffs"; n: number }
  | { kind: "budget"; maxTokens: number };

export type AbortSpec = { kind: "none" } | { kind: "before" } | { kind: "after"; ms: number };

export interface RunSpec {
  /** runner.run (no events), runner.stream (iterated), or a long-lived team (listened to). */
  via: "run" | "stream" | "team";
  /** One script per model of the team (1–3 models). */
  scripts: TurnSpec[][];
  handoffs: HandoffMode;
  policy: PolicySpec;
  tools: ToolKind[];
  maxSteps: number;
  maxHandoffs: number | undefined;
  toolTimeoutMs: number | undefined;
  abort: AbortSpec;
  /** Team runs only: further tasks on the same team after the first (not aborted). */
  followUps: number;
}

export interface ScenarioSpec {
  runs: RunSpec[];
}

const word = fc.constantFrom("alpha", "beta", "gamma", "delta", "done", "ok", "");
const latency = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 30 }) });

export const callSpec: fc.Arbitrary<CallSpec> = fc.record({
  tool: fc.constantFrom<CallSpec["tool"]>(...TOOL_KINDS, "unknown"),
  n: fc.integer({ min: 0, max: 9 }),
  badArgs: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  dupId: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

export function turnSpec(models: number): fc.Arbitrary<TurnSpec> {
  const index = fc.integer({ min: 0, max: models }); // `models` itself: not in the team
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("text" as const), text: word, latencyMs: latency }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("tools" as const),
        calls: fc.array(callSpec, { minLength: 1, maxLength: 3 }),
        text: word,
        latencyMs: latency,
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("handoff" as const), to: index, calls: fc.array(callSpec, { maxLength: 1 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("delegate" as const), to: fc.array(index, { minLength: 1, maxLength: 2 }) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("fault" as const),
        status: fc.constantFrom(400 as const, 429 as const, 500 as const, 503 as const),
        retryAfterS: fc.option(fc.constantFrom(0, 0.005, 0.02), { nil: undefined }),
        latencyMs: latency,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("throw" as const), message: fc.constantFrom("script broke", "boom") }) },
  );
}

export function decisionSpec(models: number): fc.Arbitrary<DecisionSpec> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("move" as const), to: fc.integer({ min: 0, max: models }) }) },
    { weight: 1, arbitrary: fc.constant({ kind: "stop" as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("append" as const), text: word }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("prepend" as const), text: word }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("maxSteps" as const), n: fc.integer({ min: 1, max: 6 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("tools" as const), keep: fc.subarray([...TOOL_KINDS]) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("settings" as const), temperature: fc.constantFrom(0, 0.5, 1) }) },
  );
}

export function policySpec(models: number): fc.Arbitrary<PolicySpec> {
  const byStep = fc.array(decisionSpec(models), { maxLength: 6 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("object" as const), decision: decisionSpec(models) }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("function" as const),
        byStep,
        throwAtStep: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined, freq: 5 }),
        async: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: "fallback" as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("fallbackAndFunction" as const), byStep }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("finishBy" as const), step: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("maxHandoffs" as const), n: fc.integer({ min: 0, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("budget" as const), maxTokens: fc.integer({ min: 1, max: 200 }) }) },
  );
}

export const abortSpec: fc.Arbitrary<AbortSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 7, arbitrary: fc.record({ kind: fc.constant("after" as const), ms: fc.integer({ min: 0, max: 80 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "before" as const }) },
);

export const runSpec: fc.Arbitrary<RunSpec> = fc.integer({ min: 1, max: 3 }).chain((models) =>
  fc.record({
    via: fc.constantFrom("run" as const, "stream" as const, "team" as const),
    scripts: fc.array(fc.array(turnSpec(models), { maxLength: 6 }), { minLength: models, maxLength: models }),
    handoffs: fc.constantFrom<HandoffMode>("transfer", "delegate", "both"),
    policy: policySpec(models),
    tools: fc.subarray([...TOOL_KINDS]),
    maxSteps: fc.integer({ min: 1, max: 8 }),
    maxHandoffs: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
    toolTimeoutMs: fc.option(fc.constantFrom(5, 50), { nil: undefined, freq: 4 }),
    abort: abortSpec,
    followUps: fc.integer({ min: 0, max: 1 }),
  }),
);

/** 1–20 runs at once on one Runner. */
export const scenarioSpec: fc.Arbitrary<ScenarioSpec> = fc.record({
  runs: fc.array(runSpec, { minLength: 1, maxLength: 20, size: "max" }),
});

// ---------------------------------------------------------------------------------------------
// From data to the public API

/** `sim/r<run>m<model>`: model ids are unique per run, so concurrent runs on one Runner each follow their own scripts. */
export function modelId(run: number, model: number): string {
  return `sim/r${run}m${model}`;
}

export function toolName(kind: ToolKind | "unknown"): string {
  return `tool_${kind}`;
}

/** The model a decision or turn names: one of the team, or one that is not in it. */
function target(run: number, spec: RunSpec, index: ModelIndex): string {
  return index < spec.scripts.length ? modelId(run, index) : "sim/not_in_team";
}

function callOf(call: CallSpec): NonNullable<SimTurn["toolCalls"]>[number] {
  const args = call.badArgs ? { n: "not a number" } : { n: call.n };
  return call.dupId ? { name: toolName(call.tool), args, id: "dup" } : { name: toolName(call.tool), args };
}

export function simTurn(run: number, spec: RunSpec, turn: TurnSpec): SimTurn {
  switch (turn.kind) {
    case "text":
      return { text: turn.text || "(empty)", latencyMs: turn.latencyMs };
    case "tools":
      return { text: turn.text, toolCalls: turn.calls.map(callOf), latencyMs: turn.latencyMs };
    case "handoff":
      return { toolCalls: turn.calls.map(callOf), handoff: { to: target(run, spec, turn.to), reason: "scripted" } };
    case "delegate":
      return { delegate: turn.to.map((to) => ({ to: target(run, spec, to), task: "a subtask" })) };
    case "fault":
      return {
        latencyMs: turn.latencyMs,
        fault: { status: turn.status, ...(turn.retryAfterS === undefined ? {} : { retryAfter: turn.retryAfterS }) },
      };
    case "throw":
      throw new Error(turn.message);
  }
}

/** The sim scripts of every run of a scenario: turn n of a model's list answers its n-th call, then it answers plainly. */
export function simScripts(scenario: ScenarioSpec): Record<string, SimScript> {
  const scripts: Record<string, SimScript> = {};
  scenario.runs.forEach((spec, run) => {
    spec.scripts.forEach((turns, model) => {
      scripts[modelId(run, model).slice("sim/".length)] = (request) => {
        const turn = turns[request.callIndex];
        return turn ? simTurn(run, spec, turn) : { text: `final answer of m${model}` };
      };
    });
  });
  return scripts;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Values a careless tool returns. */
function oddValue(n: number): unknown {
  const loop: Record<string, unknown> = { n };
  loop.self = loop;
  return [Symbol(`odd${n}`), () => n, BigInt(n), loop, new Map([["n", n]]), undefined, null, Number.NaN][n % 8];
}

export function makeTools(kinds: readonly ToolKind[]): Tool[] {
  const parameters = z.object({ n: z.number().optional() });
  const all: Record<ToolKind, Tool> = {
    ok: defineTool({ name: toolName("ok"), description: "Answers at once", parameters, execute: ({ n }) => `ok ${n ?? "-"}` }),
    throws: defineTool({
      name: toolName("throws"),
      description: "Always fails",
      parameters,
      execute: ({ n }) => {
        throw new Error(`tool failure ${n ?? "-"}`);
      },
    }),
    slow: defineTool({
      name: toolName("slow"),
      description: "Answers after a while",
      parameters,
      execute: async ({ n }, { signal }) => {
        await wait(10 + (n ?? 0) * 3, signal);
        return `slow ${n ?? "-"}`;
      },
    }),
    odd: defineTool({ name: toolName("odd"), description: "Returns odd values", parameters, execute: ({ n }) => oddValue(n ?? 0) }),
  };
  return kinds.map((kind) => all[kind]);
}

export function decisionOf(run: number, spec: RunSpec, decision: DecisionSpec): PolicyDecision {
  switch (decision.kind) {
    case "none":
      return {};
    case "move":
      return { model: target(run, spec, decision.to) };
    case "stop":
      return { stop: "stopped by the generated policy" };
    case "append":
      return { messageAppend: decision.text || "(append)" };
    case "prepend":
      return { messagePrepend: decision.text || "(prepend)" };
    case "maxSteps":
      return { maxSteps: decision.n };
    case "tools":
      return { tools: decision.keep.map(toolName) };
    case "settings":
      return { modelSettings: { temperature: decision.temperature } };
  }
}

export function makePolicy(run: number, spec: RunSpec): Policy | undefined {
  const policy = spec.policy;
  const byStep = (list: readonly DecisionSpec[], throwAtStep?: number, async = false) => {
    return (context: { step: number }) => {
      if (context.step === throwAtStep) throw new Error(`policy failure at step ${context.step}`);
      const decision = list[context.step - 1];
      const out = decision ? decisionOf(run, spec, decision) : {};
      return async ? Promise.resolve(out) : out;
    };
  };
  switch (policy.kind) {
    case "none":
      return undefined;
    case "object":
      return decisionOf(run, spec, policy.decision);
    case "function":
      return byStep(policy.byStep, policy.throwAtStep, policy.async);
    case "fallback":
      return policies.fallback();
    case "fallbackAndFunction":
      return policies.all(policies.fallback(), byStep(policy.byStep));
    case "finishBy":
      return policies.finishBy(policy.step);
    case "maxHandoffs":
      return policies.maxHandoffs(policy.n);
    case "budget":
      return policies.budget({ maxTokens: policy.maxTokens });
  }
}

/** The largest maxSteps a run may reach: its own, or a larger one its policy may set (it sticks). */
export function stepBound(spec: RunSpec): number {
  const decisions =
    spec.policy.kind === "object"
      ? [spec.policy.decision]
      : spec.policy.kind === "function" || spec.policy.kind === "fallbackAndFunction"
        ? spec.policy.byStep
        : [];
  return Math.max(spec.maxSteps, ...decisions.map((d) => (d.kind === "maxSteps" ? d.n : 0)));
}
