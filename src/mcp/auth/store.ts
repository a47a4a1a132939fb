/**
 * What baton keeps per authorized MCP server, and the store interface (public: bring your own,
 * e.g. a database or a secret manager). The default is a file under the user's config directory
 * (actors/mcp/auth/tokenStore.ts). Records hold secrets: they never go into events, errors,
 * snapshots or traces.
 */
import type { OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

/** Everything stored for one MCP server, keyed by its URL. Store it as given (the SDK's fields included). */
export interface McpAuthRecord {
  /** Access and refresh tokens as the authorization server issued them (with the SDK's `issuer` binding). */
  tokens?: OAuthTokens;
  /** The client baton registered (or was given), with its `issuer` binding. */
  client?: OAuthClientInformationMixed;
  /** Discovered metadata, so later connections skip discovery. */
  discovery?: OAuthDiscoveryState;
  /** Scope the server asked for beyond what was granted: the next `baton mcp login` asks for it. */
  wantedScope?: string;
  /** When the record was last written (ISO 8601). */
  savedAt?: string;
}

/** Where baton keeps MCP authorization. Keys are MCP server URLs. */
export interface McpTokenStore {
  get(server: string): Promise<McpAuthRecord | undefined>;
  set(server: string, record: McpAuthRecord): Promise<void>;
  delete(server: string): Promise<void>;
  /** The servers that have a record. */
  list(): Promise<string[]>;
}

/** The store key of a server: its URL without a fragment. */
export function tokenKey(url: string): string {
  const parsed = new URL(url);
  parsed.hash = "";
  return parsed.href;
}

/** Whether a record holds an access token (expiry is the server's to judge; a refresh token renews it). */
export function isAuthorized(record: McpAuthRecord | undefined): boolean {
  return typeof record?.tokens?.access_token === "string" && record.tokens.access_token !== "";
}

/** A scope string plus `offline_access` when the authorization server supports it (so it issues a refresh token). */
export function withOfflineAccess(scope: string | undefined, supported: readonly string[] | undefined): string | undefined {
  if (!supported?.includes("offline_access")) return scope;
  const scopes = (scope ?? "").split(" ").filter(Boolean);
  if (scopes.includes("offline_access")) return scope;
  return [...scopes, "offline_access"].join(" ");
}

/** The scopes in `wanted` that `granted` lacks (both space-separated). */
export function missingScopes(wanted: string | undefined, granted: string | undefined): string[] {
  const have = new Set((granted ?? "").split(" ").filter(Boolean));
  return (wanted ?? "").split(" ").filter((s) => s !== "" && !have.has(s));
}
