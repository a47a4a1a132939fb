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
import { messageSummary } from "./compact.js";
import { agentsOf, type EventExtras } from "./eventExtras.js";
import type { TraceEventRecord, TraceMessageRecord, TraceMetaRecord, TraceRecord } from "./records.js";

export interface DetailSection {
  label: string;
  text?: string;
  json?: unknown;
}

/** What a click on a bar shows. */
export interface Detail {
  title: string;
  subtitle?: string;
  sections: DetailSection[];
}

export interface Lane {
  id: string;
  kind: ActorKind;
  label: string;
  /** Rows of bars within the lane (tool calls in parallel take a row each). */
  rows: number;
}

export type BarKind = "model" | "tool" | "delegation" | "service" | "turn";

export interface Bar {
  id: string;
  lane: string;
  row: number;
  kind: BarKind;
  /** ms from the run's start. */
  start: number;
  end: number;
  label: string;
  status: "ok" | "error" | "retried" | "open";
  agent?: string;
  step?: number;
  /** A service bar mirrors a call drawn in its agent's lane: the id of that bar. */
  of?: string;
  detail?: Detail;
}

export interface Arrow {
  kind: "handoff" | "delegation" | "answer";
  from: string;
  to: string;
  /** ms from the run's start, at each end. */
  t1: number;
  t2: number;
  label: string;
}

export interface Marker {
  kind: "retry" | "policy" | "grant" | "deny" | "final" | "failed";
  lane: string;
  t: number;
  label: string;
}

export interface AgentSummary {
  agent: string;
  model: string;
  calls: number;
  retries: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when a model used has no price in the catalog. */
  costUSD?: number;
}

export interface TranscriptEntry {
  role: Message["role"];
  by?: string;
  text: string;
  toolCalls?: Array<{ id: string; name: string; args: string }>;
  toolCallId?: string;
  isError?: boolean;
}

export interface RunView {
  runId: string;
  teamId: string;
  input: string;
  status: string;
  reason?: string;
  finalOutput?: string;
  error?: string;
  /** Epoch ms of the run's start; bars are relative to it. */
  startedAt: number;
  durationMs: number;
  lanes: Lane[];
  bars: Bar[];
  arrows: Arrow[];
  markers: Marker[];
  agents: AgentSummary[];
  totals: { inputTokens: number; outputTokens: number; costUSD?: number };
  transcript: TranscriptEntry[];
}

export interface TraceView {
  startedAt?: string;
  detail?: string;
  runs: RunView[];
}

const LANE_ORDER: ActorKind[] = ["supervisor", "agent", "tools", "mcp", "provider", "executor", "callbacks", "other"];

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

interface BuildContext {
  rel: (t: number) => number;
  durationMs: number;
  teamId: string;
  agentLane: (agent: string) => string;
  toolEvents: Map<string, { called?: Record<string, unknown>; result?: Record<string, unknown> }>;
  retries: TraceEventRecord[];
  bars: Bar[];
  arrows: Arrow[];
  markers: Marker[];
  laneIds: Set<string>;
}

/** Bars from actor messages: each request matched to its answer by correlation id. */
function barsFromMessages(messages: TraceMessageRecord[], c: BuildContext): void {
  const open = new Map<string, TraceMessageRecord>();
  const turns = new Map<string, { start: number; reason: string; record: TraceMessageRecord }>();
  let n = 0;
  const endTurn = (lane: string, t: number, how: string) => {
    const turn = turns.get(lane);
    if (!turn) return;
    turns.delete(lane);
    c.bars.push({
      id: `turn-${++n}`,
      lane,
      row: 0,
      kind: "turn",
      start: turn.start,
      end: t,
      label: turn.reason,
      status: "ok",
      detail: { title: `${actorInfo(lane).name ?? lane} holds the task`, subtitle: `${turn.reason} → ${how}`, sections: [] },
    });
  };
  for (const m of messages) {
    const data = (m.data ?? {}) as Record<string, unknown>;
    const t = c.rel(m.t);
    switch (m.type) {
      case "TASK": {
        const handoff = data.handoff as { from?: string; reason?: string } | undefined;
        const reason = data.delegated ? "delegated subtask" : handoff ? `handoff from ${handoff.from}` : "task";
        turns.set(m.to, { start: t, reason, record: m });
        break;
      }
      case "HANDOFF": {
        if (m.from) endTurn(m.from, t, `handed off to ${data.to as string}`);
        const target = c.agentLane(data.to as string);
        const task = messages.find((x) => x.type === "TASK" && x.to === target && x.t >= m.t);
        c.arrows.push({
          kind: "handoff",
          from: m.from ?? "",
          to: target,
          t1: t,
          t2: task ? c.rel(task.t) : t,
          label: `handoff: ${(data.reason as string) || "(no reason)"}`,
        });
        break;
      }
      case "FINAL":
      case "FAILED":
        if (m.from) endTurn(m.from, t, m.type === "FINAL" ? "answered" : "failed");
        break;
      case "STEP.GRANT":
        c.markers.push({ kind: "grant", lane: m.from ?? `team:${c.teamId}`, t, label: `grant step ${data.step as number} to ${m.agent}` });
        break;
      case "STEP.DENY":
        c.markers.push({ kind: "deny", lane: m.from ?? `team:${c.teamId}`, t, label: `deny ${m.agent}: ${data.reason as string}` });
        break;
      case "CALL":
      case "TOOL.CALL":
      case "DELEGATE":
      case "TOOL.RUN":
        if (m.callId) open.set(`${m.type}|${m.callId}`, m);
        break;
      case "CALL.DONE":
      case "CALL.FAILED": {
        const request = open.get(`CALL|${m.callId}`);
        if (request) modelBar(request, m, c, ++n);
        break;
      }
      case "TOOL.RESULT": {
        const tool = open.get(`TOOL.CALL|${m.callId}`);
        const run = open.get(`TOOL.RUN|${m.callId}`);
        const delegation = open.get(`DELEGATE|${m.callId}`);
        if (tool) toolBar(tool, m, run, c, ++n);
        else if (delegation) delegationBar(delegation, m, messages, c, ++n);
        break;
      }
      default:
        if (m.type.startsWith("xstate.done.actor.") && m.to.startsWith("team:")) {
          const output = data.output;
          if (output && typeof output === "object" && Object.keys(output).length > 0) {
            c.markers.push({ kind: "policy", lane: m.to, t, label: `policy: ${JSON.stringify(output).slice(0, 160)}` });
          }
        }
    }
  }
  // Requests never answered (the run ended first) stay open to the run's end.
  for (const [key, m] of open) {
    if (key.startsWith("CALL|") && !c.bars.some((b) => b.id.endsWith(`:${m.callId}`))) modelBar(m, undefined, c, ++n);
  }
  for (const lane of [...turns.keys()]) endTurn(lane, c.durationMs, "run ended");
}

function modelBar(request: TraceMessageRecord, answer: TraceMessageRecord | undefined, c: BuildContext, n: number): void {
  const data = (request.data ?? {}) as { callId?: string; request?: Record<string, unknown> };
  const req = data.request ?? {};
  const attempt = Number(
    String(data.callId ?? "")
      .split(":")
      .at(-1) ?? 0,
  );
  const failed = answer?.type === "CALL.FAILED";
  const retried =
    failed && c.retries.some((r) => r.agent === request.agent && r.event.step === request.step && r.event.attempt === attempt + 1);
  const lane = request.from ?? c.agentLane(request.agent ?? "");
  const id = `model-${n}:${data.callId}`;
  const model = String(req.modelId ?? req.model ?? "model");
  const answerData = (answer?.data ?? {}) as { output?: Record<string, unknown>; error?: Record<string, unknown> };
  const sections: DetailSection[] = [];
  if (typeof req.system === "string" && req.system) sections.push({ label: "System prompt", text: req.system });
  sections.push({ label: "Messages sent", text: messagesText(req.messages) });
  if (Array.isArray(req.tools)) sections.push({ label: "Tools offered", text: req.tools.join(", ") || "(none)" });
  if (req.settings && Object.keys(req.settings as object).length) sections.push({ label: "Settings", json: req.settings });
  if (answerData.output) {
    const output = answerData.output as { text?: string; toolCalls?: unknown[]; usage?: unknown; stopReason?: string };
    if (output.text) sections.push({ label: "Answer", text: output.text });
    if (output.toolCalls?.length) sections.push({ label: "Tool calls", json: output.toolCalls });
    sections.push({ label: "Usage", json: { ...(output.usage as object), stopReason: output.stopReason } });
  } else if (answerData.error) {
    sections.push({ label: retried ? "Error (retried)" : "Error", json: answerData.error });
  } else {
    sections.push({ label: "Answer", text: "(no answer before the run ended)" });
  }
  const bar: Bar = {
    id,
    lane,
    row: 0,
    kind: "model",
    start: c.rel(request.t),
    end: answer ? c.rel(answer.t) : c.durationMs,
    label: `${model} · step ${request.step ?? "?"}${attempt > 0 ? ` · attempt ${attempt + 1}` : ""}`,
    status: !answer ? "open" : retried ? "retried" : failed ? "error" : "ok",
    detail: {
      title: `Model call: ${model}`,
      subtitle: `${request.agent ?? ""} · step ${request.step ?? "?"} · attempt ${attempt + 1}`,
      sections,
    },
  };
  if (request.agent !== undefined) bar.agent = request.agent;
  if (request.step !== undefined) bar.step = request.step;
  c.bars.push(bar);
  c.bars.push({ ...bar, id: `svc-${id}`, lane: request.to, kind: "service", of: id });
}

function toolBar(
  call: TraceMessageRecord,
  answer: TraceMessageRecord,
  run: TraceMessageRecord | undefined,
  c: BuildContext,
  n: number,
): void {
  const data = (call.data ?? {}) as { name?: string; args?: unknown; idempotencyKey?: string; runId?: string };
  const answerData = (answer.data ?? {}) as { content?: unknown; isError?: boolean; ms?: number };
  const toolCallId = data.idempotencyKey?.slice((data.runId ?? "").length + 1);
  const events = c.toolEvents.get(`${call.agent}|${toolCallId}`);
  const name = (events?.called?.name as string | undefined) ?? data.name ?? "tool";
  const server = actorInfo(call.to);
  const lane = call.from ?? c.agentLane(call.agent ?? "");
  const id = `tool-${n}:${call.callId}`;
  const content = events?.result?.content ?? answerData.content;
  const sections: DetailSection[] = [
    { label: "Arguments", json: events?.called?.args ?? data.args },
    {
      label: answerData.isError ? "Error result" : "Result",
      text: typeof content === "string" ? content : JSON.stringify(content, null, 2),
    },
    { label: "Service", text: server.kind === "mcp" ? `MCP server "${server.name}" (${call.to})` : call.to },
  ];
  const bar: Bar = {
    id,
    lane,
    row: 1,
    kind: "tool",
    start: c.rel(call.t),
    end: c.rel(answer.t),
    label: name,
    status: answerData.isError ? "error" : "ok",
    detail: {
      title: `Tool call: ${name}`,
      subtitle: `${call.agent ?? ""} · step ${call.step ?? "?"} · ${Math.round(answerData.ms ?? c.rel(answer.t) - c.rel(call.t))} ms`,
      sections,
    },
  };
  if (call.agent !== undefined) bar.agent = call.agent;
  if (call.step !== undefined) bar.step = call.step;
  c.bars.push(bar);
  c.bars.push({ ...bar, id: `svc-${id}`, lane: call.to, row: 0, kind: "service", of: id });
  if (run) c.bars.push({ ...bar, id: `exec-${id}`, lane: run.to, row: 0, start: c.rel(run.t), kind: "service", of: id });
}

function delegationBar(
  request: TraceMessageRecord,
  answer: TraceMessageRecord,
  messages: TraceMessageRecord[],
  c: BuildContext,
  n: number,
): void {
  const data = (request.data ?? {}) as { to?: string; task?: string };
  const answerData = (answer.data ?? {}) as { content?: unknown; isError?: boolean };
  const target = c.agentLane(data.to ?? "");
  const lane = request.from ?? c.agentLane(request.agent ?? "");
  const id = `delegation-${n}:${request.callId}`;
  const task = messages.find((m) => m.type === "TASK" && m.to === target && m.t >= request.t);
  const final = messages.find(
    (m) => (m.type === "FINAL" || m.type === "FAILED") && m.from === target && m.t >= request.t && m.t <= answer.t,
  );
  const bar: Bar = {
    id,
    lane,
    row: 1,
    kind: "delegation",
    start: c.rel(request.t),
    end: c.rel(answer.t),
    label: `ask ${data.to}`,
    status: answerData.isError ? "error" : "ok",
    detail: {
      title: `Delegation to ${data.to}`,
      subtitle: `${request.agent ?? ""} · step ${request.step ?? "?"}`,
      sections: [
        { label: "Subtask", text: data.task ?? "" },
        {
          label: answerData.isError ? "Error" : "Answer",
          text: typeof answerData.content === "string" ? answerData.content : JSON.stringify(answerData.content),
        },
      ],
    },
  };
  if (request.agent !== undefined) bar.agent = request.agent;
  if (request.step !== undefined) bar.step = request.step;
  c.bars.push(bar);
  c.arrows.push({
    kind: "delegation",
    from: lane,
    to: target,
    t1: c.rel(request.t),
    t2: c.rel(task?.t ?? request.t),
    label: `ask: ${data.task ?? ""}`,
  });
  c.arrows.push({ kind: "answer", from: target, to: lane, t1: c.rel(final?.t ?? answer.t), t2: c.rel(answer.t), label: "answer" });
}

/** Without actor messages (a trace of events only): model calls and tool calls from the events. */
function barsFromEvents(events: TraceEventRecord[], c: Pick<BuildContext, "rel" | "durationMs" | "agentLane" | "bars" | "arrows">): void {
  const open = new Map<string, TraceEventRecord>();
  let n = 0;
  for (const e of events) {
    const agent = e.agent ?? "";
    const key = `${agent}#${e.step}`;
    if (e.type === "step.started") open.set(key, e);
    else if (e.type === "tool.called") {
      open.set(`${agent}|${e.event.callId as string}`, e);
      const step = open.get(key);
      if (step && !open.has(`${key}:answered`)) open.set(`${key}:answered`, e);
    } else if (e.type === "tool.result") {
      const called = open.get(`${agent}|${e.event.callId as string}`);
      if (!called) continue;
      c.bars.push({
        id: `tool-${++n}:${e.event.callId as string}`,
        lane: c.agentLane(agent),
        row: 1,
        kind: "tool",
        start: c.rel(called.t),
        end: c.rel(e.t),
        label: e.event.name as string,
        status: e.event.isError ? "error" : "ok",
        agent,
        step: e.step ?? 0,
        detail: {
          title: `Tool call: ${e.event.name as string}`,
          sections: [
            { label: "Arguments", json: called.event.args },
            { label: "Result", text: e.event.content as string },
          ],
        },
      });
    } else if (e.type === "step.finished") {
      const started = open.get(key);
      if (!started) continue;
      const answered = open.get(`${key}:answered`);
      const record = e.event.record as StepRecord;
      c.bars.push({
        id: `model-${++n}:${key}`,
        lane: c.agentLane(agent),
        row: 0,
        kind: "model",
        start: c.rel(started.t),
        end: c.rel((answered ?? e).t),
        label: `${record.model} · step ${record.step}`,
        status: "ok",
        agent,
        step: record.step,
        detail: {
          title: `Model call: ${record.model}`,
          sections: [
            { label: "Answer", text: record.text },
            { label: "Usage", json: { ...record.usage, stopReason: record.stopReason } },
          ],
        },
      });
    } else if (e.type === "handoff" && e.event.by === "model") {
      c.arrows.push({
        kind: "handoff",
        from: c.agentLane(e.event.from as string),
        to: c.agentLane(e.event.to as string),
        t1: c.rel(e.t),
        t2: c.rel(e.t),
        label: `handoff: ${e.event.reason as string}`,
      });
    }
  }
}

/** The transcript a model call sent, as a reader wants it: how many messages, and the last ones. */
function messagesText(messages: unknown): string {
  let count: number;
  let last: Array<Record<string, unknown>>;
  if (Array.isArray(messages)) {
    count = messages.length;
    last = messages.slice(-2).map((m) => messageSummary(m as Message, 2000));
  } else if (messages && typeof messages === "object" && "count" in messages) {
    const shape = messages as { count: number; last?: Array<Record<string, unknown>> };
    count = shape.count;
    last = shape.last ?? [];
  } else {
    return "(not recorded)";
  }
  const lines = last.map((m) => {
    const who = [m.role, m.by ?? m.name].filter(Boolean).join(" · ");
    const calls = Array.isArray(m.toolCalls) ? ` → ${m.toolCalls.map((c: { name: string }) => c.name).join(", ")}` : "";
    return `${who}: ${String(m.text ?? "") || "(no text)"}${calls}`;
  });
  const head = `${count} message${count === 1 ? "" : "s"}${count > last.length ? `; the last ${last.length}:` : ":"}`;
  return [head, ...lines].join("\n");
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
    case "executor":
      return "tool executor";
    case "provider":
      return `provider ${info.name}`;
    case "mcp":
      return `MCP ${info.name}`;
    default:
      return id;
  }
}
