/**
 * The `auth` setting of HTTP MCP servers (issue 19), in spec objects and mcp.json entries, and
 * its check. Without `auth`, an HTTP server gets OAuth with defaults: a token from the token
 * store (`baton mcp login`), refreshed when it expires; `auth: false` sends none. Pure.
 */
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { BatonError } from "../../errors.js";
import { shortHash } from "../../tools/toolName.js";

/** OAuth 2.1 authorization code + PKCE, for servers a person authorizes (`baton mcp login`). */
export interface McpOAuth {
  type?: "oauth";
  /** A pre-registered client; without it baton uses `clientMetadataUrl` or registers dynamically. */
  clientId?: string;
  clientSecret?: string;
  /** An https URL of a Client ID Metadata Document, used as the client id where the server supports it. */
  clientMetadataUrl?: string;
  /** Scope to ask for when neither the server's challenge nor its metadata names one. */
  scope?: string;
  /** Port of the loopback redirect `http://127.0.0.1:<port>/callback` (a pre-registered client's redirect URI). */
  redirectPort?: number;
  /** Client name shown on the consent screen (default "baton"). */
  clientName?: string;
}

/** The client credentials grant, for machines: a client secret, or a private key that signs a JWT (`private_key_jwt`). */
export interface McpClientCredentials {
  type: "client_credentials";
  clientId: string;
  clientSecret?: string;
  /** PEM private key for `private_key_jwt` client authentication. */
  privateKey?: string;
  /** JWT signing algorithm (default: ES256 for EC keys, RS256 for RSA keys). */
  algorithm?: string;
  scope?: string;
  /** The authorization server the credentials belong to: they are never sent to another. */
  issuer?: string;
}

/** Anything else: your own implementation of the MCP SDK's `OAuthClientProvider`. */
export interface McpAuthProvider {
  authProvider: OAuthClientProvider;
}

/** `auth` on an HTTP MCP server: OAuth (the default), client credentials, your own provider, or `false` for none. */
export type McpAuth = McpOAuth | McpClientCredentials | McpAuthProvider | false;

/** `auth` after checking: what the connection builds its authorization from. */
export type AuthConfig =
  | { kind: "none" }
  | ({ kind: "oauth" } & Omit<McpOAuth, "type">)
  | ({ kind: "client_credentials" } & Omit<McpClientCredentials, "type">)
  | { kind: "provider"; provider: OAuthClientProvider };

export const DEFAULT_AUTH: AuthConfig = { kind: "oauth" };

const OAUTH_KEYS = ["type", "clientId", "clientSecret", "clientMetadataUrl", "scope", "redirectPort", "clientName"];
const CREDENTIALS_KEYS = ["type", "clientId", "clientSecret", "privateKey", "algorithm", "scope", "issuer"];

function fail(where: string, message: string): never {
  throw new BatonError("INVALID_OPTIONS", `${where}: auth ${message}`, { details: { where } });
}

function strings(raw: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const key of Object.keys(raw)) {
    if (!keys.includes(key)) fail(where, `has unknown setting "${key}" (use ${keys.filter((k) => k !== "type").join(", ")})`);
    if (key !== "redirectPort" && typeof raw[key] !== "string") fail(where, `"${key}" must be a string`);
    if (key !== "redirectPort" && raw[key] === "") fail(where, `"${key}" is empty`);
  }
}

/** Checks an `auth` value; `where` names the server in errors. Secrets are never echoed. */
export function resolveAuth(raw: unknown, where: string): AuthConfig {
  if (raw === undefined) return DEFAULT_AUTH;
  if (raw === false) return { kind: "none" };
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    fail(where, 'must be an object ({ clientId, … }, { type: "client_credentials", … } or { authProvider }) or false');
  }
  const record = raw as Record<string, unknown>;
  if ("authProvider" in record) {
    const provider = record["authProvider"] as Partial<OAuthClientProvider> | undefined;
    if (!provider || typeof provider !== "object" || typeof provider.tokens !== "function" || typeof provider.saveTokens !== "function") {
      fail(where, "authProvider must implement the MCP SDK's OAuthClientProvider (tokens(), saveTokens(), …)");
    }
    return { kind: "provider", provider: provider as OAuthClientProvider };
  }
  const type = record["type"] ?? "oauth";
  if (type === "client_credentials") {
    strings(record, CREDENTIALS_KEYS, where);
    if (!record["clientId"]) fail(where, 'of type "client_credentials" needs clientId');
    if (!record["clientSecret"] === !record["privateKey"])
      fail(where, 'of type "client_credentials" needs exactly one of clientSecret and privateKey');
    const { type: _type, ...rest } = record;
    return { kind: "client_credentials", ...(rest as Omit<McpClientCredentials, "type">) };
  }
  if (type !== "oauth") fail(where, `type must be "oauth" or "client_credentials", got ${JSON.stringify(type)}`);
  strings(record, OAUTH_KEYS, where);
  const port = record["redirectPort"];
  if (port !== undefined && !(typeof port === "number" && Number.isInteger(port) && port > 0 && port < 65536)) {
    fail(where, `redirectPort must be a port number (1-65535), got ${JSON.stringify(port)}`);
  }
  const metadataUrl = record["clientMetadataUrl"];
  if (typeof metadataUrl === "string" && !isHttpsDocumentUrl(metadataUrl)) {
    fail(where, `clientMetadataUrl must be an https URL with a path, got ${metadataUrl}`);
  }
  if (record["clientSecret"] !== undefined && record["clientId"] === undefined) fail(where, "has clientSecret without clientId");
  const { type: _type, ...rest } = record;
  return { kind: "oauth", ...(rest as Omit<McpOAuth, "type">) };
}

function isHttpsDocumentUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.pathname !== "/";
  } catch {
    return false;
  }
}

/**
 * Part of a server's identity: specs of one URL with different authorization are different
 * services. Secrets only as a hash; a user's provider by the identity the pool gives it.
 */
export function authKey(config: AuthConfig, providerId: (provider: OAuthClientProvider) => number): string {
  switch (config.kind) {
    case "none":
      return "none";
    case "provider":
      return `provider:${providerId(config.provider)}`;
    case "oauth":
    case "client_credentials": {
      const { clientSecret, ...visible } = config as { clientSecret?: string; privateKey?: string } & Record<string, unknown>;
      const { privateKey, ...rest } = visible;
      const secret = clientSecret ?? privateKey;
      const fields = Object.keys(rest)
        .sort()
        .map((k) => [k, rest[k]]);
      return JSON.stringify([fields, secret === undefined ? null : shortHash(secret)]);
    }
  }
}
