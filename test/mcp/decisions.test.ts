/**
 * The pure parts of MCP (issue 12: decisions out of the connection actor): transport order, what
 * a failure means, approval rules, `auth` settings, scopes, and the token stores.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { InvalidGrantError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { defaultTokenFile, fileTokenStore, memoryTokenStore } from "../../actors/mcp/auth/tokenStore.js";
import { approvalFor, approvalRule } from "../../src/mcp/approval.js";
import { resolveAuth } from "../../src/mcp/auth/config.js";
import { AuthorizationNeeded, authRequiredText, loginCommand } from "../../src/mcp/auth/problem.js";
import { missingScopes, tokenKey, withOfflineAccess } from "../../src/mcp/auth/store.js";
import { authProblemOf, callFailure, connectFailure, retriesAfterAuthorization, triesNextTransport } from "../../src/mcp/failures.js";
import { transportOrder } from "../../src/mcp/transports.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("transport order", () => {
  it("tries Streamable HTTP then SSE, only SSE again for a server that spoke SSE, and what the spec names", () => {
    expect(transportOrder("auto")).toEqual(["streamable-http", "sse"]);
    expect(transportOrder("auto", "sse")).toEqual(["sse"]);
    expect(transportOrder("auto", "streamable-http")).toEqual(["streamable-http", "sse"]);
    expect(transportOrder("sse")).toEqual(["sse"]);
    expect(transportOrder("stdio", "stdio")).toEqual(["stdio"]);
  });
});

describe("what a failure means", () => {
  it("reads authorization problems from the SDK's errors and the server's challenge", () => {
    expect(authProblemOf(new UnauthorizedError())).toEqual({ reason: "missing" });
    expect(authProblemOf(new StreamableHTTPError(401, "Missing Authorization header"))).toMatchObject({ reason: "missing" });
    expect(authProblemOf(new InvalidGrantError("revoked"))).toEqual({ reason: "rejected", detail: "invalid_grant: revoked" });
    expect(authProblemOf(new Error("x"), { status: 403, error: "insufficient_scope", scope: "a b" })).toEqual({
      reason: "scope",
      scope: "a b",
    });
    expect(authProblemOf(new Error("resource mismatch"), { status: 401 })).toEqual({ reason: "failed", detail: "resource mismatch" });
    expect(authProblemOf(new AuthorizationNeeded({ reason: "missing" }))).toEqual({ reason: "missing" });
    expect(authProblemOf(new Error("fetch failed"))).toBeUndefined();
  });

  it("falls back to SSE after a transport failure, never after an authorization problem", () => {
    const network = connectFailure("streamable-http", new Error("fetch failed"));
    expect(network).toEqual({ message: "Streamable HTTP: fetch failed" });
    expect(triesNextTransport(network)).toBe(true);
    const unauthorized = connectFailure("streamable-http", new StreamableHTTPError(401, "no"));
    expect(unauthorized.auth?.reason).toBe("missing");
    expect(triesNextTransport(unauthorized)).toBe(false);
  });

  it("words a failed call for the model and says when the connection may be gone", () => {
    const about = {
      server: "fs",
      tool: "read",
      timeoutMs: 800,
      transport: "streamable-http" as const,
      fix: { kind: "login" as const, ref: "fs" },
    };
    expect(callFailure(about, new McpError(ErrorCode.RequestTimeout, "timed out"))).toEqual({
      content: 'MCP server "fs" did not answer read within 800 ms (no result and no progress); the call was cancelled.',
      suspect: true,
    });
    expect(callFailure(about, new McpError(ErrorCode.InvalidParams, "bad"))).toEqual({
      content: 'Error from MCP server "fs" calling read: MCP error -32602: bad',
      suspect: false,
    });
    expect(callFailure({ ...about, transport: "stdio" }, new Error("EPIPE")).suspect).toBe(false);
    expect(callFailure(about, new UnauthorizedError()).content).toBe(
      'MCP server "fs" refused read: it needs authorization and baton has no token for it. The call was not made. A person must act: Run `baton mcp login fs` to authorize, or set the Runner option `mcp.onAuthorizationUrl` to authorize during runs (or give the server an `auth` setting with client credentials or your own `authProvider`).',
    );
  });

  it("retries once only when a person authorized during the attempt", () => {
    expect(retriesAfterAuthorization({ reason: "missing" }, 0, 1)).toBe(true);
    expect(retriesAfterAuthorization({ reason: "missing" }, 1, 1)).toBe(false);
    expect(retriesAfterAuthorization(undefined, 0, 1)).toBe(false);
  });

  it("names the fix for each kind of authorization", () => {
    expect(loginCommand("acme/secure")).toBe("baton mcp login acme/secure");
    expect(loginCommand("my server")).toBe("baton mcp login 'my server'");
    expect(authRequiredText("s", { reason: "rejected", detail: "invalid_client" }, { kind: "credentials" })).toBe(
      'MCP server "s" cannot be used: it refused baton\'s authorization (invalid_client). Check the client credentials in its `auth` setting.',
    );
    expect(authRequiredText("s", { reason: "missing" }, { kind: "disabled", ref: "https://x/mcp" })).toBe(
      'MCP server "s" cannot be used: it needs authorization and baton has no token for it. Its `auth` is false: remove that setting and run `baton mcp login https://x/mcp`.',
    );
  });
});

describe("approval rules", () => {
  it("turns requireApproval into data the service decides on", () => {
    expect(approvalRule(undefined, "s")).toEqual({ kind: "never" });
    expect(approvalRule(true, "s")).toEqual({ kind: "always" });
    expect(approvalRule(["a", "b", "a"], "s")).toEqual({ kind: "tools", tools: ["a", "b"] });
    expect(approvalRule(() => true, "s")).toEqual({ kind: "ask" });
    expect(approvalFor({ kind: "tools", tools: ["a"] }, "a")).toBe("yes");
    expect(approvalFor({ kind: "tools", tools: ["a"] }, "b")).toBe("no");
    expect(approvalFor({ kind: "ask" }, "a")).toBe("ask");
    expect(() => approvalRule({ tools: ["a"] }, 'MCP server "s"')).toThrow(/^MCP server "s": requireApproval must be/);
  });
});

describe("auth settings", () => {
  it("defaults to OAuth, takes false, client credentials and a provider, and rejects the rest", () => {
    expect(resolveAuth(undefined, "s")).toEqual({ kind: "oauth" });
    expect(resolveAuth(false, "s")).toEqual({ kind: "none" });
    expect(resolveAuth({ clientId: "c", scope: "read", redirectPort: 8765 }, "s")).toEqual({
      kind: "oauth",
      clientId: "c",
      scope: "read",
      redirectPort: 8765,
    });
    expect(resolveAuth({ type: "client_credentials", clientId: "c", clientSecret: "x" }, "s")).toEqual({
      kind: "client_credentials",
      clientId: "c",
      clientSecret: "x",
    });
    const provider = { tokens: () => undefined, saveTokens: () => undefined };
    expect(resolveAuth({ authProvider: provider }, "s")).toMatchObject({ kind: "provider" });
    expect(() => resolveAuth({ clientSecret: "x" }, "s")).toThrow("s: auth has clientSecret without clientId");
    expect(() => resolveAuth({ clientMetadataUrl: "http://a/x" }, "s")).toThrow(/clientMetadataUrl must be an https URL/);
    expect(() => resolveAuth({ type: "password" }, "s")).toThrow(/type must be "oauth" or "client_credentials"/);
    expect(() => resolveAuth({ clientID: "typo" }, "s")).toThrow(/unknown setting "clientID"/);
    expect(() => resolveAuth({ authProvider: {} }, "s")).toThrow(/OAuthClientProvider/);
  });
});

describe("scopes and keys", () => {
  it("asks for offline_access where the authorization server supports it", () => {
    expect(withOfflineAccess("read", ["read", "offline_access"])).toBe("read offline_access");
    expect(withOfflineAccess(undefined, ["offline_access"])).toBe("offline_access");
    expect(withOfflineAccess("read", ["read"])).toBe("read");
    expect(withOfflineAccess("read offline_access", ["offline_access"])).toBe("read offline_access");
    expect(missingScopes("read admin", "read")).toEqual(["admin"]);
    expect(missingScopes("read", "read write")).toEqual([]);
    expect(tokenKey("https://x.example/mcp#frag")).toBe("https://x.example/mcp");
  });
});

describe("token stores", () => {
  it("keep records in a 0600 file under the config directory, rewritten whole, and delete it when empty", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-tokens-"));
    dirs.push(dir);
    const file = defaultTokenFile({ XDG_CONFIG_HOME: dir });
    expect(file).toBe(path.join(dir, "baton", "mcp-auth.json"));
    const store = fileTokenStore(file);
    expect(await store.get("https://a/mcp")).toBeUndefined();
    await Promise.all([
      store.set("https://a/mcp", { tokens: { access_token: "A", token_type: "Bearer" } }),
      store.set("https://b/mcp", { wantedScope: "x" }),
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await store.get("https://a/mcp"))?.tokens?.access_token).toBe("A");
    expect((await store.list()).sort()).toEqual(["https://a/mcp", "https://b/mcp"]);
    expect(JSON.parse(readFileSync(file, "utf8")).version).toBe(1);
    await store.delete("https://a/mcp");
    await store.delete("https://b/mcp");
    expect(() => statSync(file)).toThrow();

    writeFileSync(file, "{ not json");
    await expect(store.get("https://a/mcp")).rejects.toThrow(/is not valid JSON: delete it and log in again/);
  });

  it("in memory, hand out copies", async () => {
    const store = memoryTokenStore();
    await store.set("k", { wantedScope: "a" });
    const got = await store.get("k");
    if (got) got.wantedScope = "changed";
    expect((await store.get("k"))?.wantedScope).toBe("a");
  });
});
