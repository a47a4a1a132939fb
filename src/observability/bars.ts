/**
 * The bars, arrows and markers of one run: from actor messages (each request matched to its
 * answer by correlation id), or from the public events alone when a trace has no messages.
 */
import type { StepRecord } from "../result.js";
import type { Message } from "../transcript/index.js";
import { actorInfo } from "./actors.js";
import { messageSummary } from "./compact.js";
import type { TraceEventRecord, TraceMessageRecord } from "./records.js";
import type { Arrow, Bar, DetailSection, Marker } from "./view.js";

export interface BuildContext {
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
export function barsFromMessages(messages: TraceMessageRecord[], c: BuildContext): void {
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
        const delegation = open.get(`DELEGATE|${m.callId}`);
        if (tool) toolBar(tool, m, c, ++n);
        else if (delegation) delegationBar(delegation, m, messages, c, ++n);
        break;
      }
      default:
        if (m.type === "POLICY.ANSWER" && m.to.startsWith("team:")) {
          const output = data.decision;
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

/**
 * A tool call: TOOL.CALL from the agent to its service (the team's local tools, `tools:<team>`,
 * or an MCP server, `mcp:<name>`) and the TOOL.RESULT back; mirrored in the service's lane.
 */
function toolBar(call: TraceMessageRecord, answer: TraceMessageRecord, c: BuildContext, n: number): void {
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
    { label: "Service", text: server.kind === "mcp" ? `MCP server "${server.name}" (${call.to})` : `local tools (${call.to})` },
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
export function barsFromEvents(
  events: TraceEventRecord[],
  c: Pick<BuildContext, "rel" | "durationMs" | "agentLane" | "bars" | "arrows">,
): void {
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
