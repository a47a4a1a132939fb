/** Failures as plain data: the codes of every BatonError, and the form errors travel in between actors. */

export type BatonErrorCode =
  | "INVALID_OPTIONS"
  | "INVALID_MODEL"
  | "UNKNOWN_PROVIDER"
  | "MISSING_API_KEY"
  | "TOOL_CONFLICT"
  | "INVALID_TOOL"
  | "PROVIDER_ERROR"
  | "POLICY_ERROR"
  | "MCP_ERROR"
  /** An MCP server needs authorization and baton has no token for it: the message names the command that fixes it. */
  | "MCP_AUTH_REQUIRED"
  /** The final answer did not match the run's `output` schema, after the repair turns. */
  | "OUTPUT_INVALID"
  /** A checkpoint names agents or tools the given definition lacks, or the run cannot be resumed here. */
  | "RESUME_MISMATCH"
  | "SIM_SCRIPT_ERROR"
  | "CANCELLED"
  /** An event listener of the run threw: the run ends with the listener's error as its message. */
  | "LISTENER_ERROR"
  | "CLOSED"
  /** The run's store could not write a checkpoint: the run stops rather than go on unrecorded. */
  | "STORE_ERROR"
  | "INTERNAL";

/** Error data passed between actors (plain, serialisable). */
export interface ErrorData {
  code: BatonErrorCode;
  message: string;
  details?: Record<string, unknown>;
}
