/**
 * The trace file (JSON Lines): one record per public run event and one per actor message, each
 * with a timestamp and run/agent/step tags, so `grep`, `jq` and the viewer read the same data.
 * Pure: the recorder (actors/observability/traceFile.ts) supplies the clock and writes lines.
 */
import { BatonError } from "../errors.js";
import type { RunEvent, RunEventName } from "../events.js";
import { actorInfo, agentName } from "./actors.js";
import { type CompactOptions, compactMessage, type TraceDetail, toJsonSafe } from "./compact.js";

export const TRACE_FORMAT = "baton-trace";
export const TRACE_VERSION = 1;

/** Run, team, agent and step a record belongs to, where known. */
export interface TraceTags {
  runId?: string;
  teamId?: string;
  agent?: string;
  step?: number;
}

/** The first line of every trace file. */
export interface TraceMetaRecord {
  kind: "meta";
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  /** ms since the epoch, with µs (every record's `t` is on this clock). */
  t: number;
  startedAt: string;
  detail: TraceDetail;
}

/** A public run event (`run.started`, `tool.called`, …): `event` is the event as listeners got it. */
export interface TraceEventRecord extends TraceTags {
  kind: "event";
  seq: number;
  t: number;
  type: RunEventName;
  event: Record<string, unknown>;
}

/** One message between actors, as XState's inspection saw it. */
export interface TraceMessageRecord extends TraceTags {
  kind: "message";
  seq: number;
  t: number;
  /** The message type (`TASK`, `STEP.GRANT`, `CALL`, `TOOL.CALL`, …). */
  type: string;
  /** systemId of the sender; inferred from the request for answers sent without one. */
  from?: string;
  /** systemId of the receiver. */
  to: string;
  /** Correlation id of a request and its answer (`CALL` / `CALL.DONE`, `TOOL.CALL` / `TOOL.RESULT`). */
  callId?: string;
  data: unknown;
}

/** An actor, first seen: its systemId and when it was spawned. */
export interface TraceActorRecord {
  kind: "actor";
  seq: number;
  t: number;
  id: string;
}

export type TraceRecord = TraceMetaRecord | TraceEventRecord | TraceMessageRecord | TraceActorRecord;

/** Answers that end a request: the correlation is dropped after them. */
const ANSWERS = new Set(["CALL.DONE", "CALL.FAILED", "TOOL.RESULT"]);
const CANCELS = new Set(["CALL.ABORT", "TOOL.CANCEL"]);

interface Pending {
  /** Where the request went (an answer sent without a sender is from there). */
  lastTo: string;
  tags: TraceTags;
}

/** A message as inspection hands it over: sender and receiver systemIds, and the event. */
export interface InspectedMessage {
  from: string | undefined;
  to: string;
  event: Record<string, unknown> & { type: string };
}

/**
 * Builds records, keeping what tagging needs: each agent's current run and step (from TASK and
 * STEP.GRANT), each team's current run (from RUN), and requests by correlation id, so answers
 * get the request's tags and a sender when inspection saw none (a plain `ref.send`).
 */
export class TraceRecordBuilder {
  readonly #compact: CompactOptions;
  readonly #eventCompact: CompactOptions;
  #seq = 0;
  readonly #agents = new Map<string, { runId?: string; step?: number }>();
  readonly #teamRuns = new Map<string, string>();
  readonly #pending = new Map<string, Pending>();
  readonly #actors = new Set<string>();

  constructor(options: { detail: TraceDetail; maxString: number }) {
    this.#compact = { detail: options.detail, maxString: options.maxString };
    // Events keep whole lists (the run's transcript in run.finished): the viewer shows it.
    this.#eventCompact = { ...this.#compact, maxArray: Number.POSITIVE_INFINITY };
  }

  meta(t: number): TraceMetaRecord {
    return {
      kind: "meta",
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      t,
      startedAt: new Date(t).toISOString(),
      detail: this.#compact.detail,
    };
  }

  event(event: RunEvent, t: number): TraceEventRecord {
    const e = event as RunEvent & { agent?: string; model?: string; step?: number };
    const record: TraceEventRecord = {
      kind: "event",
      seq: ++this.#seq,
      t,
      type: event.type,
      runId: e.runId,
      teamId: e.teamId,
      event: toJsonSafe(event, this.#eventCompact) as Record<string, unknown>,
    };
    const agent = e.agent ?? (event.type === "handoff" ? event.from : e.model);
    if (agent !== undefined) record.agent = agent;
    if (typeof e.step === "number") record.step = e.step;
    return record;
  }

  /** The actor records for endpoints not seen before, then the message record. */
  message(message: InspectedMessage, t: number, spawnedAt?: (id: string) => number | undefined): TraceRecord[] {
    const out: TraceRecord[] = [];
    const { event, to } = message;
    let from = message.from;
    // Progress reports (AGENT.*) carry the model's own tool call ids, unique only per agent:
    // they are tagged by their sender, not correlated.
    const callId = typeof event.callId === "string" && !event.type.startsWith("AGENT.") ? event.callId : undefined;
    const pending = callId === undefined ? undefined : this.#pending.get(callId);
    // A request sent with `ref.send` has no sender in inspection; its replyTo is the sender.
    if (from === undefined && pending === undefined && typeof event.replyTo === "string") from = event.replyTo;
    if (from === undefined && pending && ANSWERS.has(event.type)) from = pending.lastTo;
    for (const id of from === undefined ? [to] : [from, to]) {
      if (this.#actors.has(id)) continue;
      this.#actors.add(id);
      out.push({ kind: "actor", seq: ++this.#seq, t: spawnedAt?.(id) ?? t, id });
    }
    this.#follow(to, event);
    const tags = pending?.tags ?? this.#tags(from, to, event);
    this.#followReport(from, event);
    if (callId !== undefined) {
      if (ANSWERS.has(event.type) || CANCELS.has(event.type)) this.#pending.delete(callId);
      else if (pending) pending.lastTo = to;
      else this.#pending.set(callId, { lastTo: to, tags });
    }
    const record: TraceMessageRecord = { kind: "message", seq: ++this.#seq, t, type: event.type, ...tags, to, data: undefined };
    if (from !== undefined) record.from = from;
    if (typeof event.callId === "string") record.callId = event.callId;
    record.data = compactMessage(event, this.#compact);
    out.push(record);
    return out;
  }

  /** Keeps each agent's run and step and each team's run current. */
  #follow(to: string, event: InspectedMessage["event"]): void {
    if (event.type === "RUN" && typeof event.runId === "string") {
      const info = actorInfo(to);
      if (info.kind === "supervisor" && info.team) this.#teamRuns.set(info.team, event.runId);
      return;
    }
    if (!to.startsWith("agent:")) return;
    // An agent's step: the first of its grant (in a TASK or a STEP.GRANT), then one more after each STEP.DONE.
    const grant = (event.type === "TASK" || event.type === "STEP.GRANT" ? event.grant : undefined) as { step?: number } | undefined;
    if (event.type === "TASK")
      this.#agents.set(to, { runId: event.runId as string, ...(grant?.step === undefined ? {} : { step: grant.step }) });
    else if (grant?.step !== undefined) {
      const state = this.#agents.get(to) ?? {};
      state.step = grant.step;
      this.#agents.set(to, state);
    }
  }

  /** A step report from an agent that goes on under its grant: its next step is one more. */
  #followReport(from: string | undefined, event: InspectedMessage["event"]): void {
    if (event.type !== "STEP.DONE" || !from?.startsWith("agent:")) return;
    const done = event.done as { record?: { step?: number } } | undefined;
    const state = this.#agents.get(from);
    if (state && typeof done?.record?.step === "number") state.step = done.record.step + 1;
  }

  #tags(from: string | undefined, to: string, event: InspectedMessage["event"]): TraceTags {
    const tags: TraceTags = {};
    const agentId = from?.startsWith("agent:") ? from : to.startsWith("agent:") ? to : undefined;
    const teamId = teamOf(agentId ?? to) ?? (from === undefined ? undefined : teamOf(from));
    if (teamId !== undefined) tags.teamId = teamId;
    const state = agentId === undefined ? undefined : this.#agents.get(agentId);
    const runId =
      typeof event.runId === "string" ? event.runId : (state?.runId ?? (teamId === undefined ? undefined : this.#teamRuns.get(teamId)));
    if (runId) tags.runId = runId;
    const agent = agentName(agentId) ?? (typeof event.agent === "string" ? event.agent : undefined);
    if (agent !== undefined) tags.agent = agent;
    const step = state?.step ?? (typeof event.step === "number" ? event.step : undefined);
    if (step !== undefined && agentId !== undefined) tags.step = step;
    return tags;
  }
}

function teamOf(id: string): string | undefined {
  return actorInfo(id).team;
}

/** Parses a trace file's text: one record per non-empty line; a bad line is an error naming it. */
export function parseTrace(text: string): TraceRecord[] {
  const records: TraceRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      throw traceError(`Line ${i + 1} is not JSON (${error instanceof Error ? error.message : String(error)}).`);
    }
    if (!record || typeof record !== "object" || typeof (record as { kind?: unknown }).kind !== "string") {
      throw traceError(`Line ${i + 1} is not a trace record (no "kind").`);
    }
    records.push(record as TraceRecord);
  }
  const meta = records[0];
  if (meta?.kind !== "meta" || meta.format !== TRACE_FORMAT) {
    throw traceError(`The first line is not a ${TRACE_FORMAT} header; write the file with trace: "run.jsonl" or createTraceRecorder.`);
  }
  if (meta.version > TRACE_VERSION) {
    throw traceError(`The trace is version ${meta.version}; this baton reads version ${TRACE_VERSION}. Update baton.`);
  }
  return records;
}

function traceError(message: string): BatonError {
  return new BatonError("INVALID_OPTIONS", `Not a baton trace: ${message}`);
}
