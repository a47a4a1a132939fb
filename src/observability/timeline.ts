/**
 * What the trace viewer draws, computed from a trace's records: per run, one lane per actor,
 * bars for model calls and tool calls (with the request summary and the result a click
 * shows), arrows for handoffs and delegations, markers for retries and policy decisions,
 * tokens and cost per agent, and the transcript. Pure data; html.ts renders it.
 */
import { costUSD } from "../models/catalog.js";
import type { RunResult, StepRecord } from "../result.js";
import type { Message } from "../transcript/index.js";
import { contentText } from "../transcript/text.js";
import { type ActorKind, actorInfo } from "./actors.js";
import { type BuildContext, barsFromEvents, barsFromMessages } from "./bars.js";
import { agentsOf, type EventExtras } from "./eventExtras.js";
import type { TraceEventRecord, TraceMessageRecord, TraceMetaRecord, TraceRecord } from "./records.js";
import type { AgentSummary, Arrow, Bar, Lane, Marker, RunView, TraceView, TranscriptEntry } from "./view.js";

export type * from "./view.js";

const LANE_ORDER: ActorKind[] = ["supervisor", "agent", "tools", "mcp", "provider", "callbacks", "other"];

/** Builds the viewer's model of every run in a trace. */
export function buildTraceView(records: readonly TraceRecord[]): TraceView {
  const meta = records.find((r): r is TraceMetaRecord => r.kind === "meta");
  const byRun = new Map<string, Array<TraceEventRecord | TraceMessageRecord>>();
  for (const record of records) {
    if (record.kind !== "event" && record.kind !== "message") continue;
    if (!record.runId) continue;
    let list = byRun.get(record.runId);
    if (!list) {
      list = [];
      byRun.set(record.runId, list);
    }
    list.push(record);
  }
  const runs: RunView[] = [];
  for (const [runId, list] of byRun) {
    const started = list.find((r) => r.kind === "event" && r.type === "run.started") as TraceEventRecord | undefined;
    if (!started) continue; // a run begun before the trace was: nothing to anchor it
    runs.push(buildRun(runId, started, list));
  }
  const view: TraceView = { runs };
  if (meta) {
    view.startedAt = meta.startedAt;
    view.detail = meta.detail;
  }
  return view;
}

type Rec = TraceEventRecord | TraceMessageRecord;

function buildRun(runId: string, started: TraceEventRecord, records: Rec[]): RunView {
  const t0 = Math.min(started.t, ...records.filter((r) => r.kind === "message" && r.type === "RUN").map((r) => r.t));
  const rel = (t: number) => Math.max(0, t - t0);
  const startEvent = started.event as { input?: string; models?: string[]; teamId: string };
  const teamId = started.teamId ?? startEvent.teamId;
  const agentNames = agentsOf({ models: startEvent.models ?? [], ...(started.event as EventExtras) }).map((a) => a.name);
  const events = records.filter((r): r is TraceEventRecord => r.kind === "event");
  const messages = records.filter((r): r is TraceMessageRecord => r.kind === "message");
  const last = Math.max(...records.map((r) => r.t));
  const end = events.find((e) => e.type === "run.finished" || e.type === "run.failed");
  const durationMs = rel(end?.t ?? last);

  const bars: Bar[] = [];
  const arrows: Arrow[] = [];
  const markers: Marker[] = [];
  const laneIds = new Set<string>([`team:${teamId}`, ...agentNames.map((a) => `agent:${teamId}:${a}`)]);
  const agentLane = (agent: string) => `agent:${teamId}:${agent}`;

  // Tool call content from events (full strings), by agent and the model's tool call id.
  const toolEvents = new Map<string, { called?: Record<string, unknown>; result?: Record<string, unknown> }>();
  for (const e of events) {
    if (e.type !== "tool.called" && e.type !== "tool.result") continue;
    const key = `${e.agent}|${e.event.callId as string}`;
    const entry = toolEvents.get(key) ?? {};
    if (e.type === "tool.called") entry.called = e.event;
    else entry.result = e.event;
    toolEvents.set(key, entry);
  }
  const retries = events.filter((e) => e.type === "step.retry");

  if (messages.length > 0) {
    barsFromMessages(messages, { rel, durationMs, teamId, agentLane, toolEvents, retries, bars, arrows, markers, laneIds });
  } else {
    barsFromEvents(events, { rel, durationMs, agentLane, bars, arrows });
  }
  for (const e of retries) {
    const error = (e.event.error ?? {}) as { message?: string };
    markers.push({
      kind: "retry",
      lane: agentLane(e.agent ?? ""),
      t: rel(e.t),
      label: `retry ${e.event.attempt as number} in ${Math.round(e.event.delayMs as number)} ms: ${error.message ?? "failed"}`,
    });
  }
  // Handoffs by policy or after failures have no HANDOFF message: draw them from the event.
  for (const e of events) {
    if (e.type !== "handoff" || e.event.by === "model") continue;
    const from = agentLane(e.event.from as string);
    const to = agentLane(e.event.to as string);
    arrows.push({ kind: "handoff", from, to, t1: rel(e.t), t2: rel(e.t), label: `${e.event.by as string}: ${e.event.reason as string}` });
    markers.push({
      kind: "policy",
      lane: `team:${teamId}`,
      t: rel(e.t),
      label: `moved to ${e.event.to as string} (${e.event.by as string})`,
    });
  }
  for (const a of arrows) laneIds.add(a.from).add(a.to);
  for (const b of bars) laneIds.add(b.lane);

  const result = end?.type === "run.finished" ? (end.event.result as RunResult | undefined) : (end?.event.partial as RunResult | undefined);
  const failure = end?.type === "run.failed" ? (end.event.error as { code?: string; message?: string } | undefined) : undefined;
  if (end) {
    const output = result?.finalOutput ?? "";
    markers.push({
      kind: failure ? "failed" : "final",
      lane: result?.lastModel ? agentLane((result as { lastAgent?: string }).lastAgent ?? result.lastModel) : `team:${teamId}`,
      t: durationMs,
      label: failure ? `failed: ${failure.code}: ${failure.message}` : `${result?.status ?? "finished"}: ${output.slice(0, 120)}`,
    });
  }

  const steps = events
    .filter((e) => e.type === "step.finished")
    .map((e) => ({ agent: e.agent ?? "", record: e.event.record as StepRecord }));
  const agents = agentSummaries(agentNames, steps, retries, toolEvents);
  const priced = agents.every((a) => a.costUSD !== undefined);
  const totals: RunView["totals"] = {
    inputTokens: agents.reduce((n, a) => n + a.inputTokens, 0),
    outputTokens: agents.reduce((n, a) => n + a.outputTokens, 0),
  };
  if (priced && agents.length > 0) totals.costUSD = agents.reduce((n, a) => n + (a.costUSD ?? 0), 0);

  const view: RunView = {
    runId,
    teamId,
    input: startEvent.input ?? "",
    status: failure ? "failed" : (result?.status ?? "running"),
    startedAt: t0,
    durationMs,
    lanes: orderLanes([...laneIds], agentNames, bars),
    bars,
    arrows,
    markers: markers.sort((a, b) => a.t - b.t),
    agents,
    totals,
    transcript: transcriptOf(result?.messages, steps),
  };
  if (result?.reason) view.reason = result.reason;
  if (result?.finalOutput) view.finalOutput = result.finalOutput;
  if (failure) view.error = `${failure.code}: ${failure.message}`;
  return view;
}

function agentSummaries(
  names: readonly string[],
  steps: Array<{ agent: string; record: StepRecord }>,
  retries: TraceEventRecord[],
  toolEvents: BuildContext["toolEvents"],
): AgentSummary[] {
  const byAgent = new Map<string, AgentSummary>();
  const summary = (agent: string, model: string) => {
    let s = byAgent.get(agent);
    if (!s) {
      s = { agent, model, calls: 0, retries: 0, toolCalls: 0, inputTokens: 0, outputTokens: 0, costUSD: 0 };
      byAgent.set(agent, s);
    }
    return s;
  };
  for (const name of names) summary(name, name);
  for (const { agent, record } of steps) {
    const s = summary(agent, record.model);
    s.model = record.model;
    s.calls += 1;
    s.inputTokens += record.usage.inputTokens;
    s.outputTokens += record.usage.outputTokens;
    const cost = costUSD(record.model, record.usage.inputTokens, record.usage.outputTokens);
    if (cost === undefined) delete s.costUSD;
    else if (s.costUSD !== undefined) s.costUSD += cost;
  }
  for (const r of retries) summary(r.agent ?? "", r.agent ?? "").retries += 1;
  for (const key of toolEvents.keys()) {
    const agent = key.slice(0, key.indexOf("|"));
    summary(agent, agent).toolCalls += 1;
  }
  // An agent that made no call has no cost to report, not an unknown one.
  for (const s of byAgent.values()) if (s.calls === 0 && s.costUSD === undefined) s.costUSD = 0;
  return [...byAgent.values()];
}

function transcriptOf(messages: Message[] | undefined, steps: Array<{ agent: string; record: StepRecord }>): TranscriptEntry[] {
  if (messages) return messages.map(transcriptEntry);
  // No final result (the trace ends mid-run): the steps' answers.
  return steps.map(({ agent, record }) => ({ role: "assistant" as const, by: agent, text: record.text }));
}

function transcriptEntry(m: Message): TranscriptEntry {
  const text = typeof m.content === "string" ? m.content : contentText(m.content);
  const entry: TranscriptEntry = { role: m.role, text };
  if (m.role === "assistant") {
    const by = m.meta?.agent ?? m.meta?.model;
    if (by) entry.by = by;
    if (m.toolCalls?.length) entry.toolCalls = m.toolCalls.map((c) => ({ id: c.id, name: c.name, args: JSON.stringify(c.args) }));
  }
  if (m.role === "tool") {
    entry.by = m.name;
    entry.toolCallId = m.toolCallId;
    if (m.isError) entry.isError = true;
  }
  return entry;
}

/** Supervisor first, agents in team order, then services; rows from the bars in each lane. */
function orderLanes(ids: string[], agentNames: readonly string[], bars: Bar[]): Lane[] {
  const rank = (id: string) => {
    const info = actorInfo(id);
    const kind = LANE_ORDER.indexOf(info.kind);
    const agentIndex = info.kind === "agent" ? agentNames.indexOf(info.name ?? "") : 0;
    return kind * 1000 + (agentIndex < 0 ? 999 : agentIndex);
  };
  const lanes = ids
    .filter((id) => actorInfo(id).kind !== "events")
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((id): Lane => ({ id, kind: actorInfo(id).kind, label: laneLabel(id), rows: 1 }));
  for (const lane of lanes) lane.rows = assignRows(bars.filter((b) => b.lane === lane.id && b.kind !== "turn"));
  return lanes;
}

/** Puts overlapping bars of a lane on separate rows (model calls stay on row 0); returns the row count. */
function assignRows(bars: Bar[]): number {
  const rowEnds: number[] = [];
  const sorted = [...bars].sort((a, b) => a.row - b.row || a.start - b.start);
  for (const bar of sorted) {
    let row = bar.row;
    while (rowEnds[row] !== undefined && rowEnds[row]! > bar.start) row++;
    bar.row = row;
    rowEnds[row] = Math.max(rowEnds[row] ?? 0, bar.end);
  }
  return Math.max(1, rowEnds.length);
}

function laneLabel(id: string): string {
  const info = actorInfo(id);
  switch (info.kind) {
    case "supervisor":
      return "supervisor";
    case "agent":
      return info.name ?? id;
    case "tools":
      return "local tools";
    case "provider":
      return `provider ${info.name}`;
    case "mcp":
      return `MCP ${info.name}`;
    default:
      return id;
  }
}
