/**
 * The MCP service actor (systemId `mcp:<name>`, DESIGN §2): one per server, shared by every
 * agent of every team. connecting → ready → reconnecting → failed (+ stopped). It answers
 * TOOL.CALL / TOOL.CANCEL (src/protocol.ts) and LIST_TOOLS, keeps the tool list (refreshed on
 * tools/list_changed), queues calls while the server restarts, and replies to every call exactly
 * once. Decisions only: the connection itself is the actors/mcpConnection.ts child.
 */
import { type AnyActorRef, assign, enqueueActions, setup } from "xstate";
import { type ConnectionHooks, type ConnectionInput, type ConnectionReport, mcpConnection } from "../../actors/mcp/connection.js";
import { type McpSettings, restartDelay } from "../../src/mcp/options.js";
import {
  cancelledText,
  connectionLostText,
  connectTimeoutText,
  shutdownText,
  unavailableText,
  waitExpiredText,
} from "../../src/mcp/serviceMessages.js";
import type { ConnectConfig, TransportKind } from "../../src/mcp/spec.js";
import { buildToolEntries, type McpToolInfo } from "../../src/mcp/toolNames.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import { extend } from "../../src/util/extend.js";
import { type AnySystem, actorAt } from "../deliver.js";
import type { ToolCallEvent, ToolCancelEvent, ToolResultEvent } from "../tools/protocol.js";

export interface McpServiceInput {
  name: string;
  /** The service's systemId (`mcp:<name>`), for the tool entries it lists. */
  service: string;
  /** Command line or URL, for messages. */
  label: string;
  connect: ConnectConfig;
  settings: McpSettings;
  hooks: ConnectionHooks;
}

interface PendingCall {
  callId: string;
  name: string;
  args: Record<string, unknown>;
  replyTo: string;
  timeoutMs: number;
  samplingModel?: string;
  startedAt: number;
}

export interface McpServiceContext extends McpServiceInput {
  gen: number;
  /** Restarts since the server was last ready. */
  attempts: number;
  tools: McpToolInfo[];
  transport?: TransportKind;
  pid?: number;
  inFlight: Record<string, PendingCall>;
  waiting: PendingCall[];
  listWaiters: AnyActorRef[];
  lastError?: { message: string; stderr: string };
}

export type ListToolsEvent = { type: "LIST_TOOLS"; replyTo: AnyActorRef };
export type ToolsEvent = { type: "TOOLS"; server: string; tools: ToolEntry[]; error?: string };
export type McpServiceEvent =
  | ToolCallEvent
  | ToolCancelEvent
  | ListToolsEvent
  | ConnectionReport
  | { type: "WAIT.EXPIRED"; callId: string }
  | { type: "RETRY" }
  | { type: "SHUTDOWN" };

/** The part of XState's action enqueuer the helpers below use. */
interface Enqueue {
  (action: () => void): void;
  sendTo(to: AnyActorRef | string, event: { type: string; [key: string]: unknown } | ToolResultEvent): void;
}

const connId = (gen: number) => `connection-${gen}`;

function reply(enqueue: Enqueue, system: AnySystem, call: PendingCall, content: string, isError: boolean): void {
  const at = Date.now();
  const result: ToolResultEvent = {
    type: "TOOL.RESULT",
    callId: call.callId,
    content,
    isError,
    ms: performance.now() - call.startedAt,
    at,
  };
  const to = actorAt(system, call.replyTo);
  if (to) enqueue.sendTo(to, result);
}

function entriesOf(context: McpServiceContext): ToolEntry[] {
  return buildToolEntries([{ server: context.name, service: context.service, tools: context.tools }]);
}

function send(enqueue: Enqueue, context: McpServiceContext, call: PendingCall): void {
  enqueue.sendTo(connId(context.gen), {
    type: "CALL",
    callId: call.callId,
    name: call.name,
    args: call.args,
    timeoutMs: call.timeoutMs,
    ...(call.samplingModel ? { samplingModel: call.samplingModel } : {}),
  });
}

export const mcpServiceMachine = setup({
  types: {
    context: {} as McpServiceContext,
    events: {} as McpServiceEvent,
    input: {} as McpServiceInput,
  },
  actors: { mcpConnection },
  delays: {
    connectTimeout: ({ context }) => context.settings.connectTimeoutMs,
    backoff: ({ context }) => restartDelay(context.settings.restart, context.attempts),
    heartbeat: ({ context }) => context.settings.heartbeatMs,
  },
  guards: {
    current: ({ context, event }) => "gen" in event && event.gen === context.gen,
    httpWithCalls: ({ context }) => context.transport !== "stdio" && Object.keys(context.inFlight).length > 0,
    noCalls: ({ context }) => Object.keys(context.inFlight).length === 0,
    restartsLeft: ({ context }) => context.attempts <= context.settings.restart.maxAttempts,
  },
  actions: {
    startConnection: enqueueActions(({ context, enqueue }) => {
      const gen = context.gen + 1;
      const input: ConnectionInput = {
        gen,
        server: context.name,
        connect: context.connect,
        ...(context.transport ? { preferred: context.transport } : {}),
        connectTimeoutMs: context.settings.connectTimeoutMs,
        probeTimeoutMs: context.settings.probeTimeoutMs,
        hooks: context.hooks,
      };
      enqueue.assign({ gen });
      enqueue.spawnChild("mcpConnection", { id: connId(gen), input });
    }),
    stopConnection: enqueueActions(({ context, enqueue }) => {
      enqueue.stopChild(connId(context.gen));
    }),
    probe: enqueueActions(({ context, enqueue }) => {
      enqueue.sendTo(connId(context.gen), { type: "PROBE" });
    }),
    storeReady: assign(({ event }) => {
      if (event.type !== "CONN.READY") return {};
      return { tools: event.tools, transport: event.transport, attempts: 0, lastError: undefined, pid: event.pid };
    }),
    storeError: assign(({ context, event }) => {
      if (event.type === "CONN.FAILED" || event.type === "CONN.CLOSED")
        return { lastError: { message: event.message, stderr: event.stderr } };
      return { lastError: { message: connectTimeoutText(context.settings.connectTimeoutMs), stderr: context.lastError?.stderr ?? "" } };
    }),
    storeTools: assign(({ event }) => (event.type === "CONN.TOOLS" ? { tools: event.tools } : {})),
    countAttempt: assign(({ context }) => ({ attempts: context.attempts + 1 })),
    resetAttempts: assign({ attempts: 0 }),
    /** A new call: answered at once when cancelled or failed, sent when ready, else queued. */
    accept: enqueueActions(({ context, event, enqueue, system }, params: { mode: "send" | "queue" | "fail" }) => {
      if (event.type !== "TOOL.CALL") return;
      const call: PendingCall = {
        callId: event.callId,
        name: event.name,
        args: event.args ?? {},
        replyTo: event.replyTo,
        timeoutMs: event.timeoutMs ?? context.settings.callTimeoutMs,
        ...(event.samplingModel ? { samplingModel: event.samplingModel } : {}),
        startedAt: performance.now(),
      };
      if (params.mode === "fail") return reply(enqueue, system, call, unavailableText(context.name, context.lastError), true);
      if (params.mode === "send") {
        enqueue.assign({ inFlight: extend(context.inFlight, { [call.callId]: call }) });
        send(enqueue, context, call);
      } else {
        enqueue.assign({ waiting: [...context.waiting, call] });
        enqueue.raise({ type: "WAIT.EXPIRED", callId: call.callId }, { delay: call.timeoutMs, id: `wait:${call.callId}` });
      }
    }),
    /** Ready again: the queued calls go out, list requests get their answer. */
    flush: enqueueActions(({ context, enqueue }) => {
      const inFlight = { ...context.inFlight };
      for (const call of context.waiting) {
        enqueue.cancel(`wait:${call.callId}`);
        inFlight[call.callId] = call;
        send(enqueue, context, call);
      }
      const tools = entriesOf(context);
      for (const replyTo of context.listWaiters) enqueue.sendTo(replyTo, { type: "TOOLS", server: context.name, tools });
      enqueue.assign({ inFlight, waiting: [], listWaiters: [] });
    }),
    result: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== "CONN.RESULT") return;
      const call = context.inFlight[event.callId];
      if (!call) return;
      const { [event.callId]: _done, ...rest } = context.inFlight;
      enqueue.assign({ inFlight: rest });
      reply(enqueue, system, call, event.content, event.isError);
      if (event.suspect) enqueue.sendTo(connId(context.gen), { type: "PROBE" });
    }),
    cancel: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== "TOOL.CANCEL") return;
      const running = context.inFlight[event.callId];
      if (running) {
        const { [event.callId]: _cancelled, ...rest } = context.inFlight;
        enqueue.assign({ inFlight: rest });
        enqueue.sendTo(connId(context.gen), { type: "CANCEL", callId: event.callId });
        reply(enqueue, system, running, cancelledText(), true);
        return;
      }
      const queued = context.waiting.find((c) => c.callId === event.callId);
      if (queued) {
        enqueue.cancel(`wait:${queued.callId}`);
        enqueue.assign({ waiting: context.waiting.filter((c) => c !== queued) });
        reply(enqueue, system, queued, cancelledText(), true);
      }
    }),
    expire: enqueueActions(({ context, event, enqueue, system }) => {
      if (event.type !== "WAIT.EXPIRED") return;
      const queued = context.waiting.find((c) => c.callId === event.callId);
      if (!queued) return;
      enqueue.assign({ waiting: context.waiting.filter((c) => c !== queued) });
      reply(enqueue, system, queued, waitExpiredText(context.name, queued.timeoutMs), true);
    }),
    /** The connection died under the calls in flight: each gets an error now, none hangs. */
    failInFlight: enqueueActions(({ context, event, enqueue, system }) => {
      const reason = event.type === "CONN.CLOSED" ? event.message : "connection lost";
      const restart = { next: context.attempts + 1, max: context.settings.restart.maxAttempts };
      const text = connectionLostText(context.name, context.transport, reason, restart);
      for (const call of Object.values(context.inFlight)) reply(enqueue, system, call, text, true);
      enqueue.assign({ inFlight: {} });
    }),
    /** Given up (or never started): queued calls and list requests get their answer. */
    failWaiting: enqueueActions(({ context, enqueue, system }) => {
      const text = unavailableText(context.name, context.lastError);
      for (const call of context.waiting) {
        enqueue.cancel(`wait:${call.callId}`);
        reply(enqueue, system, call, text, true);
      }
      for (const replyTo of context.listWaiters) {
        enqueue.sendTo(replyTo, { type: "TOOLS", server: context.name, tools: [], error: text });
      }
      enqueue.assign({ waiting: [], listWaiters: [] });
    }),
    shutdown: enqueueActions(({ context, enqueue, system }) => {
      const text = shutdownText(context.name);
      for (const call of [...Object.values(context.inFlight), ...context.waiting]) {
        enqueue.cancel(`wait:${call.callId}`);
        reply(enqueue, system, call, text, true);
      }
      for (const replyTo of context.listWaiters) {
        enqueue.sendTo(replyTo, { type: "TOOLS", server: context.name, tools: [], error: text });
      }
      enqueue.stopChild(connId(context.gen));
      enqueue.assign({ inFlight: {}, waiting: [], listWaiters: [] });
    }),
    listNow: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "LIST_TOOLS") return;
      const error = context.lastError && !context.tools.length ? unavailableText(context.name, context.lastError) : undefined;
      enqueue.sendTo(event.replyTo, { type: "TOOLS", server: context.name, tools: entriesOf(context), ...(error ? { error } : {}) });
    }),
    listLater: assign(({ context, event }) =>
      event.type === "LIST_TOOLS" ? { listWaiters: [...context.listWaiters, event.replyTo] } : {},
    ),
  },
}).createMachine({
  id: "mcpService",
  context: ({ input }) => ({
    ...input,
    gen: 0,
    attempts: 0,
    tools: [],
    inFlight: {},
    waiting: [],
    listWaiters: [],
  }),
  initial: "connecting",
  on: {
    "TOOL.CANCEL": { actions: "cancel" },
    "WAIT.EXPIRED": { actions: "expire" },
    "CONN.RESULT": { guard: "current", actions: "result" },
    "CONN.TOOLS": { guard: "current", actions: "storeTools" },
    SHUTDOWN: { target: ".stopped" },
  },
  states: {
    connecting: {
      entry: "startConnection",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "queue" } } },
        LIST_TOOLS: { actions: "listLater" },
        "CONN.READY": { guard: "current", target: "ready", actions: ["storeReady", "flush"] },
        "CONN.FAILED": { guard: "current", target: "failed", actions: ["storeError", "stopConnection"] },
      },
      after: { connectTimeout: { target: "failed", actions: ["storeError", "stopConnection"] } },
    },
    ready: {
      initial: "idle",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "send" } } },
        LIST_TOOLS: { actions: "listNow" },
        "CONN.CLOSED": { guard: "current", target: "reconnecting", actions: ["storeError", "stopConnection", "failInFlight"] },
        "CONN.SUSPECT": { guard: "current", actions: "probe" },
      },
      states: {
        // An HTTP transport does not notice a vanished server: with calls in flight, ping it.
        idle: { always: { guard: "httpWithCalls", target: "watching" } },
        watching: {
          always: { guard: "noCalls", target: "idle" },
          after: { heartbeat: { target: "watching", reenter: true, actions: "probe" } },
        },
      },
    },
    reconnecting: {
      initial: "backoff",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "queue" } } },
        LIST_TOOLS: { actions: "listNow" },
      },
      states: {
        backoff: {
          entry: "countAttempt",
          // Out of restarts: give up.
          always: [{ guard: "restartsLeft", target: "waiting" }, { target: "#mcpService.failed" }],
        },
        waiting: {
          after: { backoff: "connecting" },
        },
        connecting: {
          entry: "startConnection",
          on: {
            "CONN.READY": { guard: "current", target: "#mcpService.ready", actions: ["storeReady", "flush"] },
            "CONN.FAILED": { guard: "current", target: "backoff", actions: ["storeError", "stopConnection"] },
          },
          after: { connectTimeout: { target: "backoff", actions: ["storeError", "stopConnection"] } },
        },
      },
    },
    failed: {
      entry: "failWaiting",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "fail" } } },
        LIST_TOOLS: { actions: "listNow" },
        RETRY: { target: "connecting", actions: "resetAttempts" },
      },
    },
    stopped: {
      type: "final",
      entry: "shutdown",
    },
  },
});

export type McpServiceStatus = "connecting" | "ready" | "reconnecting" | "failed" | "stopped";

/** The public status of a service actor's snapshot. */
export function mcpServiceStatus(snapshot: { status: string; matches: (state: McpServiceStatus) => boolean }): McpServiceStatus {
  if (snapshot.status !== "active") return "stopped";
  for (const s of ["connecting", "ready", "reconnecting", "failed"] as const) if (snapshot.matches(s)) return s;
  return "stopped";
}
