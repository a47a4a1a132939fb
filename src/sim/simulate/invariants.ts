/**
 * The built-in invariants of `simulate()`: what must hold for every run of every team, whatever
 * the faults. Each returns a message saying what broke, or nothing.
 */
import { toAnthropicParams } from "../../providers/anthropicWire.js";
import { toOpenAIParams } from "../../providers/openaiWire.js";
import type { PlainModelRequest } from "../../providers/types.js";
import type { RunResult } from "../../result.js";
import { findTranscriptProblems } from "../../transcript/index.js";
import { validateAnthropicRequest } from "../server/anthropicValidation.js";
import { validateOpenAIRequest } from "../server/openaiValidation.js";
import type { WireBody } from "../server/protocol.js";
import type { SimInvariant, SimOutcome, SimRun } from "./types.js";

const DEFAULT_MAX_STEPS = 10;
const DEFAULT_MAX_HANDOFFS = 10;
const TERMINAL = new Set(["run.finished", "run.failed", "run.interrupted"]);

/** The terminal event each outcome ends with. */
const TERMINAL_OF: Record<Exclude<SimOutcome, "hung">, string> = {
  completed: "run.finished",
  max_steps: "run.finished",
  stopped: "run.finished",
  interrupted: "run.interrupted",
  failed: "run.failed",
  cancelled: "run.failed",
};

/** Settles exactly once: each start (run.started, run.resumed) ends with one terminal event, the last of its piece. */
function settlesOnce(run: SimRun): string | undefined {
  if (run.outcome === "hung") return undefined; // neverHangs says so
  if (run.settled !== 1) return `the run's promise settled ${run.settled} times`;
  let open = false;
  let last: string | undefined;
  for (const [i, event] of run.events.entries()) {
    if (event.type === "run.started" || event.type === "run.resumed") {
      if (open) return `event ${i}: ${event.type} while the run before it has not ended`;
      open = true;
    } else if (TERMINAL.has(event.type)) {
      if (!open) return `event ${i}: ${event.type} after the run already ended`;
      open = false;
      last = event.type;
    } else if (!open) {
      return `event ${i}: ${event.type} after the run's terminal event`;
    }
  }
  if (open) return "the run settled but its events have no terminal event";
  const expected = TERMINAL_OF[run.outcome];
  if (last !== expected) return `the run ended ${run.outcome} but its last terminal event is ${last ?? "missing"}, not ${expected}`;
  return undefined;
}

function neverHangs(run: SimRun): string | undefined {
  return run.outcome === "hung" ? `the run never settled (${run.error?.message ?? "hung"})` : undefined;
}

/** Problems a provider would refuse the request with, per provider. */
export function wireProblems(request: PlainModelRequest): string[] {
  const out: string[] = [];
  const checks: Array<[string, () => string | undefined]> = [
    [
      "openai",
      () => {
        const verdict = validateOpenAIRequest(toOpenAIParams(request, { compatible: false }) as unknown as WireBody);
        return typeof verdict === "string" ? verdict : verdict?.message;
      },
    ],
    ["anthropic", () => validateAnthropicRequest(toAnthropicParams(request) as unknown as WireBody)],
  ];
  for (const [provider, check] of checks) {
    let problem: string | undefined;
    try {
      problem = check();
    } catch {
      // The adapter refuses the request before sending it (a content limit): not a transcript problem.
    }
    if (problem) out.push(`${provider}: ${problem}`);
  }
  return out;
}

/** The transcript is valid at every step: every request as a whole, and as each provider would send it. */
function transcriptValid(run: SimRun): string | undefined {
  for (const [i, request] of run.requests.entries()) {
    const neutral = findTranscriptProblems(request.messages);
    if (neutral.length) return `model call ${i} (${request.modelId}): message ${neutral[0]!.index}: ${neutral[0]!.problem}`;
    const wire = wireProblems(request);
    if (wire.length) return `model call ${i} (${request.modelId}) would be refused by ${wire[0]}`;
  }
  const final = run.result ? findTranscriptProblems(run.result.messages) : [];
  if (final.length) return `result transcript: message ${final[0]!.index}: ${final[0]!.problem}`;
  return undefined;
}

function usageAddsUp(run: SimRun): string | undefined {
  const result = run.result;
  if (!result) return undefined;
  const { steps, usage } = result;
  const stepIn = steps.reduce((n, s) => n + s.usage.inputTokens, 0);
  const stepOut = steps.reduce((n, s) => n + s.usage.outputTokens, 0);
  if (usage.inputTokens !== stepIn || usage.outputTokens !== stepOut) {
    return `usage ${usage.inputTokens}/${usage.outputTokens} but the steps add up to ${stepIn}/${stepOut}`;
  }
  for (const [label, table] of [
    ["byModel", usage.byModel],
    ["byAgent", usage.byAgent],
  ] as const) {
    const parts = Object.values(table ?? {});
    const tin = parts.reduce((n, m) => n + m.inputTokens, 0);
    const tout = parts.reduce((n, m) => n + m.outputTokens, 0);
    const calls = parts.reduce((n, m) => n + m.calls, 0);
    if (tin !== usage.inputTokens || tout !== usage.outputTokens) {
      return `usage.${label} adds up to ${tin}/${tout}, the total is ${usage.inputTokens}/${usage.outputTokens}`;
    }
    if (calls !== steps.length) return `usage.${label} counts ${calls} calls for ${steps.length} steps`;
  }
  if (result.stepsUsed !== steps.length) return `stepsUsed ${result.stepsUsed} but ${steps.length} step records`;
  return undefined;
}

/** Steps and handoffs within the team's limits (a policy may raise maxSteps, so steps are checked without one). */
function limitsHold(run: SimRun): string | undefined {
  const result = run.result;
  if (!result) return undefined;
  const maxSteps = run.team.maxSteps ?? DEFAULT_MAX_STEPS;
  if (run.team.policy === undefined && result.steps.length > maxSteps) return `${result.steps.length} steps, over maxSteps ${maxSteps}`;
  const maxHandoffs = run.team.maxHandoffs ?? DEFAULT_MAX_HANDOFFS;
  if (result.handoffs.length > maxHandoffs) return `${result.handoffs.length} handoffs, over maxHandoffs ${maxHandoffs}`;
  const numbers = result.steps.map((s) => s.step);
  if (new Set(numbers).size !== numbers.length) return `step numbers repeat: ${numbers.join(", ")}`;
  return undefined;
}

function noLeaks(run: SimRun): string | undefined {
  const { actors, timers, signalListeners, processes } = run.leaks;
  const left: string[] = [];
  if (actors.length) left.push(`actors ${actors.join(", ")}`);
  if (timers) left.push(`${timers} timer(s)`);
  if (signalListeners) left.push(`${signalListeners} abort listener(s) on the run's signal`);
  if (processes.length) left.push(`child processes ${processes.join(", ")}`);
  return left.length ? `left after runner.close(): ${left.join("; ")}` : undefined;
}

function noUnhandledRejection(run: SimRun): string | undefined {
  return run.unhandledRejections.length ? `unhandled rejection: ${run.unhandledRejections[0]}` : undefined;
}

/** Every step.finished is in the result (a failed run's `partial`): nothing completed is lost. */
function keepsCompletedSteps(run: SimRun): string | undefined {
  if (run.outcome === "hung") return undefined;
  const result: RunResult<unknown> | undefined = run.result;
  if (!result) return run.outcome === "failed" || run.outcome === "cancelled" ? "the failed run has no partial result" : undefined;
  for (const event of run.events) {
    if (event.type !== "step.finished") continue;
    if (!result.steps.some((s) => s.agent === event.agent && s.step === event.step)) {
      return `step ${event.step} of ${event.agent} finished but is not in the ${run.outcome === "failed" ? "partial " : ""}result`;
    }
  }
  return undefined;
}

export const BUILTIN_INVARIANTS: readonly SimInvariant[] = [
  { name: "settles exactly once", check: settlesOnce },
  { name: "never hangs", check: neverHangs },
  { name: "transcript valid for every provider", check: transcriptValid },
  { name: "usage adds up", check: usageAddsUp },
  { name: "limits hold", check: limitsHold },
  { name: "nothing left running", check: noLeaks },
  { name: "no unhandled rejection", check: noUnhandledRejection },
  { name: "completed steps kept", check: keepsCompletedSteps },
];

/** The first invariant that fails on the run, with its message. */
export function firstViolation(run: SimRun, invariants: readonly SimInvariant[]): { invariant: string; message: string } | undefined {
  for (const [i, invariant] of invariants.entries()) {
    const name = typeof invariant === "function" ? invariant.name || `invariant ${i + 1}` : invariant.name;
    const check = typeof invariant === "function" ? invariant : invariant.check;
    let verdict: ReturnType<typeof check>;
    try {
      verdict = check(run);
    } catch (error) {
      return { invariant: name, message: error instanceof Error ? error.message : String(error) };
    }
    if (verdict === false) return { invariant: name, message: `${name} does not hold` };
    if (typeof verdict === "string") return { invariant: name, message: verdict };
  }
  return undefined;
}
