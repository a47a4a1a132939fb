/**
 * The texts an MCP service sends back as `isError` tool results when the server, not the tool,
 * is the problem. Models read them, so they say what happened and what to do. Pure.
 */
import type { TransportKind } from "./spec.js";

export function connectionLostText(
  server: string,
  transport: TransportKind | undefined,
  reason: string,
  restart: { next: number; max: number },
): string {
  const what =
    transport === "stdio"
      ? `MCP server "${server}" exited while running this call`
      : `The connection to MCP server "${server}" was lost while running this call (${reason})`;
  const next =
    restart.next <= restart.max
      ? `baton is ${transport === "stdio" ? "restarting" : "reconnecting to"} it (attempt ${restart.next} of ${restart.max}).`
      : "It will not be restarted (the restart limit is reached).";
  return `${what}; ${next} The call may not have completed: call the tool again if it is still needed.`;
}

/** Why a connection that was ready is gone (CONN.CLOSED). */
export function closedText(server: string, transport: TransportKind | undefined): string {
  return transport === "stdio" ? `MCP server "${server}" exited` : `The connection to MCP server "${server}" was closed by the server`;
}

/** A ping the server did not answer: the connection counts as lost. */
export function lostText(server: string, reason: string): string {
  return `Lost the connection to MCP server "${server}": ${reason}`;
}

export function unavailableText(server: string, error: { message: string; stderr: string } | undefined): string {
  const reason = error ? `: ${error.message}` : "";
  const lines = error?.stderr ? error.stderr.split("\n").slice(-5).join("\n").slice(-600) : "";
  const stderr = lines ? ` Its stderr ends with:\n${lines}\n` : " ";
  return `MCP server "${server}" is not available${reason}.${stderr}Its tools cannot be used right now.`;
}

export function waitExpiredText(server: string, ms: number): string {
  return `MCP server "${server}" is restarting and was not back within ${ms} ms; the call was not made.`;
}

export function cancelledText(): string {
  return "Tool call cancelled.";
}

export function shutdownText(server: string): string {
  return `MCP server "${server}" was shut down (the runner is closing); the call did not complete.`;
}

export function callTimeoutText(server: string, tool: string, ms: number): string {
  return `MCP server "${server}" did not answer ${tool} within ${ms} ms (no result and no progress); the call was cancelled.`;
}

export function authorizationTimeoutText(ms: number): string {
  return `nobody finished authorizing it within ${Math.round(ms / 1000)} s`;
}

export function requireApprovalErrorText(server: string, tool: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `The requireApproval function of MCP server "${server}" threw for ${tool}: ${message}. The call was not made.`;
}

export function connectTimeoutText(ms: number): string {
  return `it did not finish starting (initialize and tools/list) within ${ms} ms`;
}

/** The MCP_ERROR message when a server cannot be started. */
export function startFailureText(server: string, label: string, error: { message: string; stderr: string } | undefined): string {
  const stderr = error?.stderr ? `\nLast lines of its stderr:\n${error.stderr}` : "";
  return `MCP server "${server}" failed to start (${label}): ${error?.message ?? "unknown error"}${stderr}`;
}
