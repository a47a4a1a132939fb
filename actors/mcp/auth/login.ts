/**
 * Logging in to an MCP server that needs OAuth (`baton mcp login`, or `mcpLogin()` in a
 * program): resolves the server (URL or mcp.json name), forgets its old token, connects once
 * with a person at hand (the authorization URL goes to `open`, the code comes back to a
 * loopback port), stores what the authorization server issued, and says what was granted.
 * Logging out forgets everything stored for the server.
 */
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { BatonError } from "../../../src/errors.js";
import { authFix, authRequiredText } from "../../../src/mcp/auth/problem.js";
import { type McpTokenStore, tokenKey } from "../../../src/mcp/auth/store.js";
import { authProblemOf, errorMessage, retriesAfterAuthorization } from "../../../src/mcp/failures.js";
import { MCP_DEFAULTS } from "../../../src/mcp/options.js";
import { lookupRegistry, type RegistrySource, resolveRegistryEntry, unknownServerError } from "../../../src/mcp/registry.js";
import { httpServer, isUrlSpec, type ResolvedServer } from "../../../src/mcp/spec.js";
import { loadRegistry } from "../registryFile.js";
import { ChallengeWatch, httpTransport } from "../transports.js";
import { type OpenAuthorizationUrl, openAuthSession } from "./session.js";
import { fileTokenStore } from "./tokenStore.js";

export interface McpLoginOptions {
  /** Shows the authorization URL to the person (print it, open a browser). */
  open: OpenAuthorizationUrl;
  /** Default: the file token store under the user's config directory. */
  tokenStore?: McpTokenStore;
  /** mcp.json path or object, to log in by name (default ./mcp.json if present). */
  registry?: RegistrySource;
  /** How long to wait for the person (default 5 minutes). */
  timeoutMs?: number;
  /** Environment for `${VAR}` in mcp.json (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface McpLoginResult {
  /** The server's name (its registry name, else derived from the URL). */
  server: string;
  url: string;
  /** The scope the authorization server granted, when it said. */
  scope?: string;
  /** Whether a refresh token was issued (later runs renew the token without a person). */
  refreshable: boolean;
  /** How many tools the server offers now. */
  tools: number;
}

/** A server named by URL or by its mcp.json name. */
export async function resolveLoginTarget(
  target: string,
  registry: RegistrySource | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ResolvedServer> {
  if (isUrlSpec(target)) return httpServer({ url: target.trim() });
  const loaded = await loadRegistry(registry);
  const found = lookupRegistry(loaded, target);
  if (!found) throw unknownServerError(loaded, target);
  return resolveRegistryEntry(loaded, found.key, found.entry, env);
}

function oauthTarget(server: ResolvedServer, what: string): { url: string; config: Extract<ResolvedServer["connect"], { kind: "http" }> } {
  const connect = server.connect;
  if (connect.kind !== "http") {
    throw new BatonError(
      "INVALID_OPTIONS",
      `MCP server "${server.name}" runs over stdio: it takes credentials in its env, there is nothing to ${what}.`,
    );
  }
  if (connect.auth.kind !== "oauth") {
    const how =
      connect.auth.kind === "none"
        ? "its auth is false"
        : connect.auth.kind === "provider"
          ? "it uses your authProvider"
          : "it uses client credentials";
    throw new BatonError(
      "INVALID_OPTIONS",
      `MCP server "${server.name}" does not use a person's OAuth login (${how}): there is nothing to ${what}.`,
    );
  }
  return { url: tokenKey(connect.url), config: connect };
}

export async function mcpLogin(target: string, options: McpLoginOptions): Promise<McpLoginResult> {
  const server = await resolveLoginTarget(target, options.registry, options.env ?? process.env);
  const { url, config } = oauthTarget(server, "log in to");
  const store = options.tokenStore ?? fileTokenStore();
  const record = (await store.get(url)) ?? {};
  // A login asks a person again: the old token goes (the registration and metadata stay).
  const { tokens: _old, ...kept } = record;
  if (Object.keys(kept).length > 0) await store.set(url, kept);
  else await store.delete(url);
  const timeoutMs = options.timeoutMs ?? MCP_DEFAULTS.authorizationTimeoutMs;
  const session = await openAuthSession(config.auth, { server: server.name, url, store, open: options.open, timeoutMs });
  const provider = session.provider;
  if (!provider) throw new BatonError("INTERNAL", "no OAuth provider for a login");
  try {
    // More scope was wanted by an earlier run (step-up): ask for it now.
    if (record.wantedScope) await auth(provider, { serverUrl: url, scope: record.wantedScope });
    let tools = 0;
    for (let attempt = 0; ; attempt++) {
      const before = session.completed();
      const watch = new ChallengeWatch(url, (challenge) => session.challenged(challenge));
      const transport = httpTransport(config.transport === "sse" ? "sse" : "streamable-http", config, { authProvider: provider, watch });
      const client = new Client({ name: "baton", version: "0.1.0" });
      try {
        await client.connect(transport, { timeout: timeoutMs });
        tools = (await client.listTools(undefined, { timeout: MCP_DEFAULTS.connectTimeoutMs })).tools.length;
        break;
      } catch (error) {
        const problem = authProblemOf(error, watch.last);
        // The person authorized during that attempt: the SDK still fails it; the next one has the token.
        if (attempt === 0 && retriesAfterAuthorization(problem, before, session.completed())) continue;
        if (problem)
          throw new BatonError("MCP_AUTH_REQUIRED", authRequiredText(server.name, problem, authFix(config.auth, server.ref)), {
            details: { server: server.name, reason: problem.reason },
          });
        throw new BatonError("MCP_ERROR", `Logging in to MCP server "${server.name}" (${url}) failed: ${errorMessage(error)}`, {
          details: { server: server.name },
        });
      } finally {
        await client.close().catch(() => undefined);
      }
    }
    const tokens = (await store.get(url))?.tokens;
    if (!tokens) {
      throw new BatonError(
        "MCP_ERROR",
        `MCP server "${server.name}" (${url}) let baton in without authorization: there is no token to keep.`,
        {
          details: { server: server.name },
        },
      );
    }
    return {
      server: server.name,
      url,
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      refreshable: Boolean(tokens.refresh_token),
      tools,
    };
  } finally {
    await session.close();
  }
}

/** Forgets everything stored for a server (tokens, registration, metadata). Returns whether there was anything. */
export async function mcpLogout(
  target: string,
  options: Omit<McpLoginOptions, "open" | "timeoutMs"> = {},
): Promise<{ server: string; url: string; removed: boolean }> {
  const server = await resolveLoginTarget(target, options.registry, options.env ?? process.env);
  const { url } = oauthTarget(server, "log out of");
  const store = options.tokenStore ?? fileTokenStore();
  const removed = (await store.get(url)) !== undefined;
  await store.delete(url);
  return { server: server.name, url, removed };
}
