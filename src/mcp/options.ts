/**
 * The Runner's `mcp` options and their defaults, and the restart backoff. Pure.
 */
import { BatonError } from "../errors.js";
import type { McpTokenStore } from "./auth/store.js";

export interface ElicitationRequest {
  serverName: string;
  message: string;
  requestedSchema: unknown;
}
export interface ElicitationResponse {
  action: "accept" | "decline" | "cancel";
  content?: Record<string, unknown>;
}
export type ElicitationFn = (request: ElicitationRequest) => Promise<ElicitationResponse>;
/**
 * Answers servers' elicitation requests. With `applyDefaults`, the MCP SDK fills the defaults of
 * the requested schema into an accepted answer's omitted fields. Without a handler baton declines.
 */
export type ElicitationHandler = ElicitationFn | { handler: ElicitationFn; applyDefaults?: boolean };
export interface McpRoot {
  uri: string;
  name?: string;
}

export interface McpOptions {
  /** Per tool call, default 60_000; progress notifications extend it. */
  callTimeoutMs?: number;
  /** Default 30_000. */
  connectTimeoutMs?: number;
  /** How long a run waits for a person to finish authorizing a server in the browser (`onAuthorizationUrl`). Default 300_000. */
  authorizationTimeoutMs?: number;
  /** Restarts of a server that died (stdio) or went away (HTTP), with exponential backoff. */
  restart?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Default: the calling team's samplingModel (its first model). */
  sampling?: { model?: string };
  /** Default: decline every elicitation request. */
  elicitation?: ElicitationHandler;
  roots?: McpRoot[];
  /** Where OAuth tokens of HTTP servers are kept. Default: a file under the user's config directory (fileTokenStore()). */
  tokenStore?: McpTokenStore;
  /**
   * Lets a person authorize a server during a run: called with the authorization URL (open it
   * in a browser); baton receives the redirect on a loopback port. Without it, a server with no
   * usable token fails the run with MCP_AUTH_REQUIRED (authorize first with `baton mcp login`).
   */
  onAuthorizationUrl?: (request: { server: string; url: string }) => void | Promise<void>;
}

/** Everything a service actor needs to decide, with defaults applied. */
export interface McpSettings {
  callTimeoutMs: number;
  connectTimeoutMs: number;
  authorizationTimeoutMs: number;
  restart: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  /** How often an HTTP server with calls in flight is pinged, so a vanished server cannot hang them. */
  heartbeatMs: number;
  /** How long a ping may take before the connection counts as lost. */
  probeTimeoutMs: number;
}

export const MCP_DEFAULTS: McpSettings = {
  callTimeoutMs: 60_000,
  connectTimeoutMs: 30_000,
  authorizationTimeoutMs: 300_000,
  restart: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 },
  heartbeatMs: 5_000,
  probeTimeoutMs: 5_000,
};

function positive(value: number | undefined, name: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new BatonError("INVALID_OPTIONS", `mcp.${name} must be a ${allowZero ? "non-negative" : "positive"} number, got ${value}`);
  }
  return value;
}

export function resolveMcpSettings(options: McpOptions = {}): McpSettings {
  const r = options.restart ?? {};
  const callTimeoutMs = positive(options.callTimeoutMs, "callTimeoutMs", MCP_DEFAULTS.callTimeoutMs);
  const baseDelayMs = positive(r.baseDelayMs, "restart.baseDelayMs", MCP_DEFAULTS.restart.baseDelayMs, true);
  return {
    callTimeoutMs,
    connectTimeoutMs: positive(options.connectTimeoutMs, "connectTimeoutMs", MCP_DEFAULTS.connectTimeoutMs),
    authorizationTimeoutMs: positive(options.authorizationTimeoutMs, "authorizationTimeoutMs", MCP_DEFAULTS.authorizationTimeoutMs),
    restart: {
      maxAttempts: Math.floor(positive(r.maxAttempts, "restart.maxAttempts", MCP_DEFAULTS.restart.maxAttempts, true)),
      baseDelayMs,
      maxDelayMs: Math.max(baseDelayMs, positive(r.maxDelayMs, "restart.maxDelayMs", MCP_DEFAULTS.restart.maxDelayMs, true)),
    },
    heartbeatMs: Math.min(MCP_DEFAULTS.heartbeatMs, Math.max(250, Math.floor(callTimeoutMs / 4))),
    probeTimeoutMs: Math.min(MCP_DEFAULTS.probeTimeoutMs, Math.max(250, Math.floor(callTimeoutMs / 4))),
  };
}

/** Delay before restart `attempt` (1-based): base · 2^(attempt-1), capped. */
export function restartDelay(restart: McpSettings["restart"], attempt: number): number {
  return Math.min(restart.maxDelayMs, restart.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}

/** The elicitation option as the connection uses it: a function, and whether defaults are applied. */
export function elicitationOf(option: ElicitationHandler | undefined): { handler?: ElicitationFn; applyDefaults: boolean } {
  if (option === undefined) return { applyDefaults: false };
  if (typeof option === "function") return { handler: option, applyDefaults: false };
  if (option && typeof option === "object" && typeof option.handler === "function") {
    return { handler: option.handler, applyDefaults: option.applyDefaults === true };
  }
  throw new BatonError("INVALID_OPTIONS", "mcp.elicitation must be a function (request) => answer, or { handler, applyDefaults }");
}
