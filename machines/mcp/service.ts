/**
 * The MCP service actor (systemId `mcp:<name>`, DESIGN §2): one per server, shared by every
 * agent of every team. connecting → ready → reconnecting → failed (+ stopped). It answers
 * TOOL.CALL / TOOL.CANCEL (machines/tools/protocol.ts), keeps the tool list (refreshed on
 * tools/list_changed), decides which calls need approval, queues calls while the server
 * restarts, and replies to every call exactly once. A statechart only: the connection (child
 * `connection-<gen>`, logic provided by the pool) does the I/O, the outbox (`replies`) stamps
 * and delivers the answers. Messages: ./protocol.ts.
 */
import { assign, enqueueActions, fromCallback, setup } from "xstate";
import { approvalFor, needsApprovalText } from "../../src/mcp/approval.js";
import { restartDelay } from "../../src/mcp/options.js";
import {
  authorizationTimeoutText,
  cancelledText,
  connectionLostText,
  connectTimeoutText,
  shutdownText,
  unavailableText,
  waitExpiredText,
} from "../../src/mcp/serviceMessages.js";
import type { TransportKind } from "../../src/mcp/spec.js";
import type { McpToolInfo } from "../../src/mcp/toolNames.js";
import { transportOrder } from "../../src/mcp/transports.js";
import type { Content } from "../../src/transcript/index.js";
import { extend } from "../../src/util/extend.js";
import type { ToolCallEvent } from "../tools/protocol.js";
import type {
  ConnectionCommand,
  ConnectionInput,
  McpFailure,
  McpServiceEvent,
  McpServiceInput,
  McpServiceStatus,
  ReplyCommand,
} from "./protocol.js";

export type { McpServiceInput, McpServiceStatus } from "./protocol.js";

interface PendingCall {
  callId: string;
  name: string;
  args: Record<string, unknown>;
  replyTo: string;
  timeoutMs: number;
  samplingModel?: string;
  /** The user's approval function must be asked before the call is made. */
  checkApproval?: true;
  origin?: { runId: string; agent: string; idempotencyKey: string; traceparent?: string };
}

export interface McpServiceContext extends McpServiceInput {
  gen: number;
  /** Restarts since the server was last ready. */
  attempts: number;
  tools: McpToolInfo[];
  /** The transport of the last connection that worked. */
  transport?: TransportKind;
  pid?: number;
  inFlight: Record<string, PendingCall>;
  waiting: PendingCall[];
  lastError?: McpFailure;
}

/** The part of XState's action enqueuer the helpers below use. */
interface Enqueue {
  sendTo(to: string, event: ReplyCommand | ConnectionCommand): void;
}

const connId = (gen: number) => `connection-${gen}`;
const OUTBOX = "replies";

function reply(
  enqueue: Enqueue,
  call: Pick<PendingCall, "callId" | "replyTo">,
  content: Content,
  isError: boolean,
  needsApproval?: true,
): void {
  const command: ReplyCommand = { type: "REPLY", callId: call.callId, replyTo: call.replyTo, content, isError };
  if (needsApproval) command.needsApproval = true;
  enqueue.sendTo(OUTBOX, command);
}

function send(enqueue: Enqueue, context: McpServiceContext, call: PendingCall): void {
  const command: ConnectionCommand = { type: "CALL", callId: call.callId, name: call.name, args: call.args, timeoutMs: call.timeoutMs };
  if (call.samplingModel) command.samplingModel = call.samplingModel;
  if (call.checkApproval) command.checkApproval = true;
  if (call.origin) command.origin = call.origin;
  enqueue.sendTo(connId(context.gen), command);
}

function pendingCall(event: ToolCallEvent, context: McpServiceContext, checkApproval: boolean): PendingCall {
  const call: PendingCall = {
    callId: event.callId,
    name: event.name,
    args: event.args ?? {},
    replyTo: event.replyTo,
    timeoutMs: event.timeoutMs ?? context.settings.callTimeoutMs,
  };
  if (event.samplingModel) call.samplingModel = event.samplingModel;
  if (checkApproval) call.checkApproval = true;
  if (event.runId !== undefined) {
    call.origin = { runId: event.runId, agent: event.agent, idempotencyKey: event.idempotencyKey };
    if (event.traceparent) call.origin.traceparent = event.traceparent;
  }
  return call;
}

/** The error calls get while the server is down (or cannot be authorized). */
const downText = (context: McpServiceContext) => unavailableText(context.name, context.lastError);

export const mcpServiceMachine = setup({
  types: {
    context: {} as McpServiceContext,
    events: {} as McpServiceEvent,
    input: {} as McpServiceInput,
  },
  actors: {
    // Provided by the pool (actors/mcp/connection.ts and actors/mcp/replies.ts); tests provide stubs.
    connection: fromCallback<ConnectionCommand, ConnectionInput>(() => {
      throw new Error("mcpServiceMachine: provide the `connection` actor");
    }),
    replies: fromCallback<ReplyCommand>(() => {
      throw new Error("mcpServiceMachine: provide the `replies` actor");
    }),
  },
  delays: {
    connectTimeout: ({ context }) => context.settings.connectTimeoutMs,
    authorizationTimeout: ({ context }) => context.settings.authorizationTimeoutMs,
    backoff: ({ context }) => restartDelay(context.settings.restart, context.attempts),
    heartbeat: ({ context }) => context.settings.heartbeatMs,
  },
  guards: {
    current: ({ context, event }) => "gen" in event && event.gen === context.gen,
    /** An authorization problem: restarting cannot fix it, a person must act. */
    currentAuthFailure: ({ context, event }) =>
      event.type === "CONN.FAILED" && event.gen === context.gen && event.failure.auth !== undefined,
    httpWithCalls: ({ context }) => context.transport !== "stdio" && Object.keys(context.inFlight).length > 0,
    noCalls: ({ context }) => Object.keys(context.inFlight).length === 0,
    restartsLeft: ({ context }) => context.attempts <= context.settings.restart.maxAttempts,
  },
  actions: {
    startConnection: enqueueActions(({ context, enqueue }) => {
      const gen = context.gen + 1;
      const input: ConnectionInput = {
        gen,
        transports: transportOrder(context.mode, context.transport),
        connectTimeoutMs: context.settings.connectTimeoutMs,
        authorizationTimeoutMs: context.settings.authorizationTimeoutMs,
        probeTimeoutMs: context.settings.probeTimeoutMs,
      };
      enqueue.assign({ gen });
      enqueue.spawnChild("connection", { id: connId(gen), input });
    }),
    stopConnection: enqueueActions(({ context, enqueue }) => {
      enqueue.stopChild(connId(context.gen));
    }),
    probe: enqueueActions(({ context, enqueue }) => {
      enqueue.sendTo(connId(context.gen), { type: "PROBE" } satisfies ConnectionCommand);
    }),
    storeReady: assign(({ event }) => {
      if (event.type !== "CONN.READY") return {};
      return { tools: event.tools, transport: event.transport, attempts: 0, lastError: undefined, pid: event.pid };
    }),
    storeFailure: assign(({ event }) => (event.type === "CONN.FAILED" || event.type === "CONN.CLOSED" ? { lastError: event.failure } : {})),
    storeTimeout: assign(({ context }, params: { authorizing: boolean }) => {
      const ms = params.authorizing ? context.settings.authorizationTimeoutMs : context.settings.connectTimeoutMs;
      const message = params.authorizing ? authorizationTimeoutText(ms) : connectTimeoutText(ms);
      return { lastError: { message, stderr: context.lastError?.stderr ?? "" } };
    }),
    storeTools: assign(({ event }) => (event.type === "CONN.TOOLS" ? { tools: event.tools } : {})),
    countAttempt: assign(({ context }) => ({ attempts: context.attempts + 1 })),
    resetAttempts: assign({ attempts: 0 }),
    /**
     * A new call: answered at once when it needs approval or the server is down, sent when
     * ready, else queued until the server is back (bounded by the call's timeout).
     */
    accept: enqueueActions(({ context, event, enqueue }, params: { mode: "send" | "queue" | "fail" }) => {
      if (event.type !== "TOOL.CALL") return;
      enqueue.sendTo(OUTBOX, { type: "REPLY.START", callId: event.callId } satisfies ReplyCommand);
      const approval = event.approved === true ? "no" : approvalFor(context.approval, event.name);
      if (approval === "yes") return reply(enqueue, event, needsApprovalText(event.name), false, true);
      const call = pendingCall(event, context, approval === "ask");
      if (params.mode === "fail") return reply(enqueue, call, downText(context), true);
      if (params.mode === "send") {
        enqueue.assign({ inFlight: extend(context.inFlight, { [call.callId]: call }) });
        send(enqueue, context, call);
      } else {
        enqueue.assign({ waiting: [...context.waiting, call] });
        enqueue.raise({ type: "WAIT.EXPIRED", callId: call.callId }, { delay: call.timeoutMs, id: `wait:${call.callId}` });
      }
    }),
    /** Ready again: the queued calls go out. */
    flush: enqueueActions(({ context, enqueue }) => {
      const inFlight = { ...context.inFlight };
      for (const call of context.waiting) {
        enqueue.cancel(`wait:${call.callId}`);
        inFlight[call.callId] = call;
        send(enqueue, context, call);
      }
      enqueue.assign({ inFlight, waiting: [] });
    }),
    result: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "CONN.RESULT") return;
      const call = context.inFlight[event.callId];
      if (!call) return;
      const { [event.callId]: _done, ...rest } = context.inFlight;
      enqueue.assign({ inFlight: rest });
      reply(enqueue, call, event.content, event.isError, event.needsApproval);
      if (event.suspect) enqueue.sendTo(connId(context.gen), { type: "PROBE" });
    }),
    cancel: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "TOOL.CANCEL") return;
      const running = context.inFlight[event.callId];
      if (running) {
        const { [event.callId]: _cancelled, ...rest } = context.inFlight;
        enqueue.assign({ inFlight: rest });
        enqueue.sendTo(connId(context.gen), { type: "CANCEL", callId: event.callId });
        reply(enqueue, running, cancelledText(), true);
        return;
      }
      const queued = context.waiting.find((c) => c.callId === event.callId);
      if (queued) {
        enqueue.cancel(`wait:${queued.callId}`);
        enqueue.assign({ waiting: context.waiting.filter((c) => c !== queued) });
        reply(enqueue, queued, cancelledText(), true);
      }
    }),
    expire: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== "WAIT.EXPIRED") return;
      const queued = context.waiting.find((c) => c.callId === event.callId);
      if (!queued) return;
      enqueue.assign({ waiting: context.waiting.filter((c) => c !== queued) });
      reply(enqueue, queued, waitExpiredText(context.name, queued.timeoutMs), true);
    }),
    /** The connection died under the calls in flight: each gets an error now, none hangs. */
    failInFlight: enqueueActions(({ context, event, enqueue }) => {
      const reason = event.type === "CONN.CLOSED" ? event.failure.message : "connection lost";
      const restart = { next: context.attempts + 1, max: context.settings.restart.maxAttempts };
      const text = connectionLostText(context.name, context.transport, reason, restart);
      for (const call of Object.values(context.inFlight)) reply(enqueue, call, text, true);
      enqueue.assign({ inFlight: {} });
    }),
    /** Given up (or never started): queued calls get their answer. */
    failWaiting: enqueueActions(({ context, enqueue }) => {
      const text = downText(context);
      for (const call of context.waiting) {
        enqueue.cancel(`wait:${call.callId}`);
        reply(enqueue, call, text, true);
      }
      enqueue.assign({ waiting: [] });
    }),
    shutdown: enqueueActions(({ context, enqueue }) => {
      const text = shutdownText(context.name);
      for (const call of [...Object.values(context.inFlight), ...context.waiting]) {
        enqueue.cancel(`wait:${call.callId}`);
        reply(enqueue, call, text, true);
      }
      enqueue.stopChild(connId(context.gen));
      enqueue.assign({ inFlight: {}, waiting: [] });
    }),
  },
}).createMachine({
  id: "mcpService",
  context: ({ input }) => ({
    name: input.name,
    mode: input.mode,
    settings: input.settings,
    approval: input.approval,
    gen: 0,
    attempts: 0,
    tools: [],
    inFlight: {},
    waiting: [],
  }),
  invoke: { id: OUTBOX, src: "replies" },
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
      initial: "starting",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "queue" } } },
        "CONN.READY": { guard: "current", target: "ready", actions: ["storeReady", "flush"] },
        "CONN.FAILED": { guard: "current", target: "failed", actions: ["storeFailure", "stopConnection"] },
      },
      states: {
        starting: {
          on: { "CONN.AUTHORIZING": { guard: "current", target: "authorizing" } },
          after: {
            connectTimeout: {
              target: "#mcpService.failed",
              actions: [{ type: "storeTimeout", params: { authorizing: false } }, "stopConnection"],
            },
          },
        },
        // A person is authorizing in a browser: wait for them, not for the connect timeout.
        authorizing: {
          after: {
            authorizationTimeout: {
              target: "#mcpService.failed",
              actions: [{ type: "storeTimeout", params: { authorizing: true } }, "stopConnection"],
            },
          },
        },
      },
    },
    ready: {
      initial: "idle",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "send" } } },
        "CONN.CLOSED": { guard: "current", target: "reconnecting", actions: ["storeFailure", "stopConnection", "failInFlight"] },
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
            "CONN.FAILED": [
              { guard: "currentAuthFailure", target: "#mcpService.failed", actions: ["storeFailure", "stopConnection"] },
              { guard: "current", target: "backoff", actions: ["storeFailure", "stopConnection"] },
            ],
          },
          after: {
            connectTimeout: { target: "backoff", actions: [{ type: "storeTimeout", params: { authorizing: false } }, "stopConnection"] },
          },
        },
      },
    },
    failed: {
      entry: "failWaiting",
      on: {
        "TOOL.CALL": { actions: { type: "accept", params: { mode: "fail" } } },
        RETRY: { target: "connecting", actions: "resetAttempts" },
      },
    },
    stopped: {
      type: "final",
      entry: "shutdown",
    },
  },
});

/** The public status of a service actor's snapshot. */
export function mcpServiceStatus(snapshot: { status: string; matches: (state: McpServiceStatus) => boolean }): McpServiceStatus {
  if (snapshot.status !== "active") return "stopped";
  for (const s of ["connecting", "ready", "reconnecting", "failed"] as const) if (snapshot.matches(s)) return s;
  return "stopped";
}
