/**
 * The tools protocol: an agent calls a tool on the service that owns it (`tools:<team>` for
 * local tools, `mcp:<server>` for MCP tools) and gets exactly one TOOL.RESULT back, unless it
 * cancelled the call. Plain, JSON-serialisable data; actors are named by systemId.
 */
import type { Content } from "../../src/transcript/index.js";

/** agent → service: run one tool call. */
export interface ToolCallEvent {
  type: "TOOL.CALL";
  /** Correlation id, unique across teams (services are shared): `<team>:<agent>#<n>`. */
  callId: string;
  /** The name the service knows the tool by (MCP tools may be renamed for the model). */
  name: string;
  args: Record<string, unknown>;
  /** systemId of the agent that waits for the TOOL.RESULT. */
  replyTo: string;
  runId: string;
  /** The calling agent and its model (`provider/model`). */
  agent: string;
  model: string;
  /** `<runId>:<the model's tool call id>`: stable across resumes, so a tool can make itself exactly-once. */
  idempotencyKey: string;
  /** Per-call timeout (local tools; MCP services have their own default). */
  timeoutMs?: number;
  /** The team's model for MCP sampling requests made during this call. */
  samplingModel?: string;
  /** W3C trace context of the caller's span, for MCP HTTP requests. */
  traceparent?: string;
  /**
   * A person approved this call (durable runs): run it even where the tool needs approval.
   * Without it, a service whose tool needs approval for these arguments answers `needsApproval`
   * instead of running it: the service holds the user's rule (a boolean, a list, or a function).
   */
  approved?: boolean;
}

/** agent → service: the caller no longer waits (run cancelled); a TOOL.RESULT that still comes is ignored. */
export interface ToolCancelEvent {
  type: "TOOL.CANCEL";
  callId: string;
}

/** service → agent: the one answer to a TOOL.CALL. */
export interface ToolResultEvent {
  type: "TOOL.RESULT";
  callId: string;
  content: Content;
  isError: boolean;
  /** How long the call took, in ms. */
  ms: number;
  /** When the answer was made (the actor's clock, ms since the epoch): machines read no clock. */
  at: number;
  /** The call was not run: it needs a person's approval first (`content` says so). */
  needsApproval?: true;
}

export type ToolServiceEvent = ToolCallEvent | ToolCancelEvent;
