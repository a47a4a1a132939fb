/**
 * The MCP service's messages (DESIGN §2): what an agent sends to `mcp:<server>` (TOOL.CALL /
 * TOOL.CANCEL, machines/tools/protocol.ts), what the service tells its connection and its
 * reply outbox, and what they report back. Plain, JSON-serialisable data: no secret, closure,
 * signal or actor ref. The connection's settings (command, env, headers, auth) stay with the
 * connection logic the pool provides; the service knows the server only by name.
 */
import type { ApprovalRule } from "../../src/mcp/approval.js";
import type { McpAuthProblem } from "../../src/mcp/auth/problem.js";
import type { McpSettings } from "../../src/mcp/options.js";
import type { ServerTransport, TransportKind } from "../../src/mcp/spec.js";
import type { McpToolInfo } from "../../src/mcp/toolNames.js";
import type { Content } from "../../src/transcript/index.js";
import type { ToolCallEvent, ToolCancelEvent } from "../tools/protocol.js";

/** What went wrong when a connection could not start or was lost. */
export interface McpFailure {
  message: string;
  /** The last lines a stdio server wrote to stderr ("" for HTTP). */
  stderr: string;
  /** Set when the server wants authorization baton does not have: restarting cannot help. */
  auth?: McpAuthProblem;
}

// ── service → connection ────────────────────────────────────────────────────────────────────

export interface ConnectionInput {
  /** Generation of this connection: reports of an earlier one are told apart by it. */
  gen: number;
  /** The transports to try, in order (the service decides: src/mcp/transports.ts). */
  transports: readonly TransportKind[];
  connectTimeoutMs: number;
  /** How long a connect may take when a person may have to authorize in a browser. */
  authorizationTimeoutMs: number;
  probeTimeoutMs: number;
}

export type ConnectionCommand =
  | {
      type: "CALL";
      callId: string;
      /** The server's name for the tool. */
      name: string;
      args: Record<string, unknown>;
      timeoutMs: number;
      samplingModel?: string;
      /** Ask the user's approval rule (a function, so it runs in the connection) before calling. */
      checkApproval?: true;
      /** Who made the call (its trace context is looked up by these), and the caller's traceparent if it sent one. */
      origin?: { runId: string; agent: string; idempotencyKey: string; traceparent?: string };
    }
  | { type: "CANCEL"; callId: string }
  /** Is the server still there? (An HTTP transport does not notice a server that vanished.) */
  | { type: "PROBE" };

// ── connection → service ────────────────────────────────────────────────────────────────────

export type ConnectionReport =
  | { type: "CONN.READY"; gen: number; tools: McpToolInfo[]; transport: TransportKind; pid?: number }
  | { type: "CONN.FAILED"; gen: number; failure: McpFailure }
  | { type: "CONN.CLOSED"; gen: number; failure: McpFailure }
  | { type: "CONN.TOOLS"; gen: number; tools: McpToolInfo[] }
  | {
      type: "CONN.RESULT";
      gen: number;
      callId: string;
      content: Content;
      isError: boolean;
      /** The failure may mean the connection is gone: the service probes it. */
      suspect: boolean;
      /** The user's approval rule said this call needs a person's approval: it was not made. */
      needsApproval?: true;
    }
  | { type: "CONN.SUSPECT"; gen: number; reason: string }
  /** A person is authorizing in a browser (mcp.onAuthorizationUrl): starting may take minutes. */
  | { type: "CONN.AUTHORIZING"; gen: number };

// ── service → reply outbox ──────────────────────────────────────────────────────────────────

/**
 * Every TOOL.RESULT leaves the service through its outbox (actors/mcp/replies.ts), which stamps
 * `at` and `ms` (from REPLY.START to REPLY, queueing included): the machine reads no clock.
 */
export type ReplyCommand =
  | { type: "REPLY.START"; callId: string }
  | { type: "REPLY"; callId: string; replyTo: string; content: Content; isError: boolean; needsApproval?: true };

// ── the service ─────────────────────────────────────────────────────────────────────────────

export interface McpServiceInput {
  /** The server's name in this Runner (tool prefix, messages). */
  name: string;
  /** How the server is reached: stdio, or which HTTP transports may be tried. */
  mode: ServerTransport;
  settings: McpSettings;
  /** Which calls need a person's approval before they run (`requireApproval`). */
  approval: ApprovalRule;
}

export type McpServiceEvent =
  | ToolCallEvent
  | ToolCancelEvent
  | ConnectionReport
  /** A queued call waited its whole timeout for the server to come back. */
  | { type: "WAIT.EXPIRED"; callId: string }
  /** Try a failed server again (the pool sends it when a run asks for the server). */
  | { type: "RETRY" }
  | { type: "SHUTDOWN" };

export type McpServiceStatus = "connecting" | "ready" | "reconnecting" | "failed" | "stopped";
