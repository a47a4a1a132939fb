/**
 * What a failed connect or call means (the connection only reports; these decide): is it an
 * authorization problem (then no other transport is tried and restarting cannot help), does a
 * failed call say the connection is gone (then the service probes it), and the text a model
 * reads. Pure: they look at the SDK's error classes and what the connection saw on the wire.
 */
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { SseError } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { OAuthError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { type AuthFix, AuthorizationNeeded, callAuthText, type McpAuthProblem } from "./auth/problem.js";
import { callErrorText } from "./content.js";
import { callTimeoutText } from "./serviceMessages.js";
import type { TransportKind } from "./spec.js";

/** The HTTP answers about authorization a connection saw (401, or 403 with its challenge). */
export interface AuthChallenge {
  status: 401 | 403;
  /** `error` and `scope` of the WWW-Authenticate header. */
  error?: string;
  scope?: string;
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function httpStatus(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError || error instanceof SseError) return error.code;
  return undefined;
}

/** The authorization problem an error stands for, if it is one. */
export function authProblemOf(error: unknown, challenge?: AuthChallenge): McpAuthProblem | undefined {
  if (error instanceof AuthorizationNeeded) return error.problem;
  const scope = challenge?.scope ? { scope: challenge.scope } : {};
  if (challenge?.status === 403 && challenge.error === "insufficient_scope") return { reason: "scope", ...scope };
  if (error instanceof OAuthError) return { reason: "rejected", detail: `${error.errorCode}: ${error.message}` };
  if (error instanceof UnauthorizedError) return { reason: "missing", ...scope };
  const status = httpStatus(error);
  if (status === 401) return { reason: "missing", ...scope, detail: "the server answered 401 Unauthorized" };
  if (status === 403) return { reason: "rejected", detail: `the server answered 403 Forbidden: ${errorMessage(error)}` };
  // Anything else after a 401 (a mismatched resource, failed discovery or registration): the
  // authorization flow failed. Said as such, and no other transport is tried.
  if (challenge?.status === 401) return { reason: "failed", detail: errorMessage(error) };
  return undefined;
}

/** A failed attempt to connect: its message, and the authorization problem if it was one. */
export function connectFailure(
  transport: TransportKind,
  error: unknown,
  challenge?: AuthChallenge,
): { message: string; auth?: McpAuthProblem } {
  const auth = authProblemOf(error, challenge);
  const label = transport === "sse" ? "SSE" : transport === "stdio" ? "" : "Streamable HTTP";
  const message = label ? `${label}: ${errorMessage(error)}` : errorMessage(error);
  return auth ? { message, auth } : { message };
}

/** Try the next transport? Not after an authorization problem: SSE would meet the same 401. */
export function triesNextTransport(failure: { auth?: McpAuthProblem }): boolean {
  return failure.auth === undefined;
}

/**
 * Try once more? Only when the attempt failed for want of authorization while a person completed
 * an authorization during it (the SDK fails that attempt even so; the next one has the token).
 */
export function retriesAfterAuthorization(problem: McpAuthProblem | undefined, authorizedBefore: number, authorizedNow: number): boolean {
  return problem !== undefined && authorizedNow > authorizedBefore;
}

/** Errors that say something about the connection rather than about the tool call. */
function isTransportFailure(error: unknown): boolean {
  if (!(error instanceof McpError)) return true;
  return error.code === ErrorCode.RequestTimeout || error.code === ErrorCode.ConnectionClosed;
}

/** A call that threw: the text the model reads, and whether the connection may be gone. */
export function callFailure(
  call: { server: string; tool: string; timeoutMs: number; transport: TransportKind | undefined; fix: AuthFix },
  error: unknown,
  challenge?: AuthChallenge,
): { content: string; suspect: boolean } {
  const auth = authProblemOf(error, challenge);
  if (auth) return { content: callAuthText(call.server, call.tool, auth, call.fix), suspect: false };
  const timedOut = error instanceof McpError && error.code === ErrorCode.RequestTimeout;
  const content = timedOut ? callTimeoutText(call.server, call.tool, call.timeoutMs) : callErrorText(call.server, call.tool, error);
  return { content, suspect: call.transport !== "stdio" && isTransportFailure(error) };
}
