import { BatonError } from "../errors.js";
import { delegateToolName, transferToolName } from "../tools/handoffTools.js";
import { contentText, type Message, type ToolCall } from "../transcript/index.js";
import type { ModelResponse, ModelSettings, OutputSpec, StopReason, ToolSpec, Usage } from "./types.js";

/** A fault the sim server injects instead of (or while) answering a turn. */
export interface SimFault {
  /** Answer with this HTTP status in the provider's error shape. */
  status?: number;
  /** Retry-After header value, in seconds. */
  retryAfter?: number;
  message?: string;
  /** Streamed answers: cut the connection after this many SSE events. */
  cutStreamAfter?: number;
  /** Send the tool calls' argument JSON broken. */
  malformedToolArgs?: boolean;
}

/** One scripted model turn. */
export interface SimTurn {
  /** Text the model says (streamed word by word). */
  text?: string;
  /** A structured answer: said as its JSON text (for runs with `output`). Wins over `text`. */
  json?: unknown;
  /** Tool calls; `id` defaults to a deterministic one. */
  toolCalls?: Array<{ name: string; args?: Record<string, unknown>; id?: string }>;
  /** Hand the task to another model: its `provider/model` id, or with reason and task. */
  handoff?: string | { to: string; reason?: string; task?: string };
  /** Delegate subtasks to other models (`ask_<id>` tools), run in parallel. */
  delegate?: Array<{ to: string; task: string }>;
  /** Reported usage; by default estimated as characters / 4. */
  usage?: Partial<Usage>;
  /** Wait this long before answering (and between streamed chunks, spread). */
  latencyMs?: number;
  stopReason?: StopReason;
  /** Fault injection (the sim server honours all; the in-process provider honours status). */
  fault?: SimFault;
}

/** What a script function sees. */
export interface SimRequest {
  /** `sim/<name>` in-process; the wire model name on the sim server. */
  model: string;
  system?: string;
  messages: readonly Message[];
  tools: readonly ToolSpec[];
  /** Generation settings of the call (temperature, maxTokens, …), where known. */
  settings?: ModelSettings;
  /** The structured output the call asks for (`response_format` / `output_config` on the wire), if any. */
  output?: OutputSpec;
  /** 0 for this model's first call in this conversation (or on this server), then 1, 2, … */
  callIndex: number;
}

export type SimScript = readonly SimTurn[] | ((request: SimRequest) => SimTurn | Promise<SimTurn>);

/** Picks the turn for a request: the n-th of a list, or the function's answer. */
export async function resolveTurn(model: string, script: SimScript | undefined, request: SimRequest): Promise<SimTurn> {
  if (!script) {
    throw new BatonError(
      "SIM_SCRIPT_ERROR",
      `No script for sim model "${model}". Pass one: new Runner({ providers: { sim: { scripts: { "${model.replace(/^sim\//, "")}": [{ text: "…" }] } } } }).`,
    );
  }
  if (typeof script === "function") return script(request);
  const turn = script[request.callIndex];
  if (!turn) {
    throw new BatonError(
      "SIM_SCRIPT_ERROR",
      `Script for "${model}" has ${script.length} turn(s) but call ${request.callIndex + 1} was made. Add turns or end with a text-only turn.`,
    );
  }
  return turn;
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Turns a scripted turn into the model response it stands for. Deterministic ids. */
export function turnToResponse(turn: SimTurn, request: SimRequest): ModelResponse {
  const toolCalls: ToolCall[] = [];
  let n = 0;
  const id = () => `call_${request.callIndex}_${n++}`;
  for (const call of turn.toolCalls ?? []) toolCalls.push({ id: call.id ?? id(), name: call.name, args: call.args ?? {} });
  for (const sub of turn.delegate ?? []) toolCalls.push({ id: id(), name: delegateToolName(sub.to), args: { task: sub.task } });
  if (turn.handoff) {
    const handoff = typeof turn.handoff === "string" ? { to: turn.handoff } : turn.handoff;
    const args: Record<string, unknown> = {};
    if (handoff.reason !== undefined) args.reason = handoff.reason;
    if (handoff.task !== undefined) args.task = handoff.task;
    toolCalls.push({ id: id(), name: transferToolName(handoff.to), args });
  }
  const text = turn.json !== undefined ? JSON.stringify(turn.json) : (turn.text ?? "");
  const inputChars = request.messages.reduce((sum, m) => sum + contentText(m.content).length, request.system?.length ?? 0);
  const usage: Usage = {
    inputTokens: turn.usage?.inputTokens ?? Math.max(1, Math.ceil(inputChars / 4)),
    outputTokens: turn.usage?.outputTokens ?? estimateTokens(text + JSON.stringify(toolCalls.map((c) => c.args))),
  };
  return { text, toolCalls, usage, stopReason: turn.stopReason ?? (toolCalls.length ? "tool_calls" : "stop") };
}

/** Splits text into the chunks a stream delivers: words with their trailing space. */
export function textChunks(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

/** The error a turn's scripted HTTP fault stands for (a 429 or 5xx is retryable), or undefined. */
export function scriptedFault(turn: SimTurn, modelId: string, model: string): BatonError | undefined {
  const status = turn.fault?.status;
  if (!status) return undefined;
  const retryAfter = turn.fault?.retryAfter;
  return new BatonError("PROVIDER_ERROR", `${modelId}: ${turn.fault?.message ?? `simulated HTTP ${status}`}`, {
    details: {
      provider: "sim",
      model,
      status,
      retryable: status === 429 || status >= 500,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
    },
  });
}
