/**
 * Pure decisions on the tool calls of one model answer: what each call is (a handoff, a
 * delegation, a call to the service that owns the tool, or an immediate error result) and the
 * messages that dispatch them.
 */
import type { ToolCallEvent } from "../../machines/tools/protocol.js";
import type { HandoffTarget } from "../tools/handoffTools.js";
import type { ToolEntry } from "../tools/toolEntry.js";
import type { Content, ToolCall } from "../transcript/index.js";

export type CallPlan =
  | { kind: "service"; call: ToolCall; entry: ToolEntry }
  | { kind: "delegate"; call: ToolCall; to: string; task: string }
  | { kind: "transfer"; call: ToolCall; to: string; reason: string; task: string }
  | { kind: "error"; call: ToolCall; content: string };

export interface CallOutcome {
  content: Content;
  isError: boolean;
  ms: number;
}

/** Decides what happens to each tool call of one assistant message. */
export function planToolCalls(
  calls: readonly ToolCall[],
  tools: readonly ToolEntry[],
  handoffTargets: Readonly<Record<string, HandoffTarget>>,
): CallPlan[] {
  const byName = new Map(tools.map((t) => [t.spec.name, t]));
  let transferTo: string | undefined;
  return calls.map((call): CallPlan => {
    if (call.argsError) {
      return {
        kind: "error",
        call,
        content: `Error: the arguments of ${call.name} were not valid JSON (${call.argsError}). Call it again with valid JSON.`,
      };
    }
    const target = Object.hasOwn(handoffTargets, call.name) ? handoffTargets[call.name] : undefined;
    if (target?.kind === "transfer") {
      if (transferTo !== undefined) {
        return {
          kind: "error",
          call,
          content: `Error: only one handoff per message. The task already goes to ${transferTo}; this handoff to ${target.to} was not made.`,
        };
      }
      transferTo = target.to;
      return { kind: "transfer", call, to: target.to, reason: stringArg(call.args.reason), task: stringArg(call.args.task) };
    }
    if (target?.kind === "delegate") {
      const task = stringArg(call.args.task);
      if (!task) return { kind: "error", call, content: `Error: ${call.name} needs a "task" argument saying what ${target.to} should do.` };
      return { kind: "delegate", call, to: target.to, task };
    }
    const entry = byName.get(call.name);
    if (!entry) {
      const available = [...byName.keys(), ...Object.keys(handoffTargets)];
      return { kind: "error", call, content: `Error: unknown tool "${call.name}". Available tools: ${available.join(", ") || "none"}.` };
    }
    return { kind: "service", call, entry };
  });
}

function stringArg(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined || value === null) return "";
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Who is dispatching: the agent, its run and step, and where answers come back. */
export interface Dispatcher {
  teamId: string;
  agent: string;
  model: string;
  runId: string;
  step: number;
  /** systemId of the agent (where TOOL.RESULT comes back). */
  self: string;
  samplingModel: string;
  toolTimeoutMs: number | undefined;
  /** The next correlation number (unique within the agent). */
  seq: number;
  /** Ids of calls a person approved (resuming an interrupted run). */
  approved?: ReadonlySet<string>;
  /** Calls already answered before (a resumed step): not dispatched again. */
  settled?: Readonly<Record<string, CallOutcome>>;
}

export interface Dispatch {
  /** TOOL.CALL messages, by the systemId of the service that owns the tool. */
  calls: Array<{ to: string; event: ToolCallEvent }>;
  delegations: Array<{ callId: string; toolCallId: string; to: string; task: string }>;
  /** Calls waiting for an answer, by correlation id. */
  pending: Record<string, { callId: string; service: string | undefined }>;
  /** Calls answered at once (bad arguments, unknown tools). */
  outcomes: Record<string, CallOutcome>;
  seq: number;
}

/**
 * The messages that dispatch a step's calls: a TOOL.CALL to the owning service for each tool,
 * a delegation for each `ask_<agent>`, an immediate error result for the rest. Correlation ids
 * are unique across teams (services are shared): `<team>:<agent>#<n>`.
 */
export function dispatchToolCalls(plans: readonly CallPlan[], by: Dispatcher): Dispatch {
  const out: Dispatch = { calls: [], delegations: [], pending: {}, outcomes: {}, seq: by.seq };
  for (const plan of plans) {
    if (plan.kind === "transfer") continue;
    const settled = by.settled?.[plan.call.id];
    if (settled) {
      out.outcomes[plan.call.id] = settled;
      continue;
    }
    if (plan.kind === "error") {
      out.outcomes[plan.call.id] = { content: plan.content, isError: true, ms: 0 };
      continue;
    }
    const correlationId = `${by.teamId}:${by.agent}#${++out.seq}`;
    if (plan.kind === "delegate") {
      out.pending[correlationId] = { callId: plan.call.id, service: undefined };
      out.delegations.push({ callId: correlationId, toolCallId: plan.call.id, to: plan.to, task: plan.task });
      continue;
    }
    out.pending[correlationId] = { callId: plan.call.id, service: plan.entry.service };
    const event: ToolCallEvent = {
      type: "TOOL.CALL",
      callId: correlationId,
      name: plan.entry.remoteName,
      args: plan.call.args,
      replyTo: by.self,
      runId: by.runId,
      agent: by.agent,
      model: by.model,
      idempotencyKey: `${by.runId}:${plan.call.id}`,
      samplingModel: by.samplingModel,
    };
    if (by.toolTimeoutMs !== undefined) event.timeoutMs = by.toolTimeoutMs;
    if (by.approved?.has(plan.call.id)) event.approved = true;
    out.calls.push({ to: plan.entry.service, event });
  }
  return out;
}
