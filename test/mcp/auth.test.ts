/**
 * MCP servers that need authorization (issue 19), through the public API against a local OAuth
 * server (fixtures/oauthServer.ts): the missing-token error, the login flow (authorization code +
 * PKCE, dynamic registration, the resource parameter), refresh, step-up, client credentials, and
 * tokens that never leak.
 */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import {
  type BatonError,
  type McpTokenStore,
  mcpLogin,
  memoryTokenStore,
  type RunEvent,
  Runner,
  type RunnerOptions,
} from "../../src/index.js";
import { contentText, type SimRequest } from "../../src/sim/index.js";
import { type OAuthServerOptions, type OAuthTestServer, startOAuthServer } from "./fixtures/oauthServer.js";

const servers: OAuthTestServer[] = [];
const runners: Runner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function oauthServer(options?: OAuthServerOptions): Promise<OAuthTestServer> {
  const server = await startOAuthServer(options);
  servers.push(server);
  return server;
}

/** The person's browser: follows the authorization server's redirect back to baton's loopback. */
const opened: string[] = [];
async function browse({ url }: { url: string }): Promise<void> {
  opened.push(url);
  const response = await fetch(url);
  await response.text();
}

/** A sim model that calls the given tools one after another, then says what the last one returned. */
function callsTools(...tools: string[]) {
  return (request: SimRequest) => {
    const results = request.messages.filter((m) => m.role === "tool");
    const next = tools[results.length];
    if (next !== undefined) return { toolCalls: [{ name: next }] };
    return { text: results.map((m) => contentText(m.content)).join(" | ") };
  };
}

function runner(store: McpTokenStore, options: RunnerOptions = {}, ...tools: string[]): Runner {
  const r = new Runner({
    ...options,
    providers: { sim: { scripts: { a: callsTools(...(tools.length ? tools : ["whoami"])) } } },
    mcp: { tokenStore: store, connectTimeoutMs: 10_000, ...options.mcp },
  });
  runners.push(r);
  return r;
}

const run = (r: Runner, url: string, extra: Record<string, unknown> = {}) =>
  r.run({ input: "go", model: "sim/a", mcpServers: [{ url, name: "secure", ...extra }] });

describe("an MCP server that needs authorization", () => {
  it("fails fast with MCP_AUTH_REQUIRED naming the server and the login command: nothing registered, no SSE fallback", async () => {
    const oauth = await oauthServer();
    const started = performance.now();
    const error = (await run(runner(memoryTokenStore()), oauth.mcpUrl).catch((e: unknown) => e)) as BatonError;
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.code).toBe("MCP_AUTH_REQUIRED");
    expect(error.message).toBe(
      `MCP server "secure" cannot be used: it needs authorization and baton has no token for it. Run \`baton mcp login ${oauth.mcpUrl}\` to authorize, or set the Runner option \`mcp.onAuthorizationUrl\` to authorize during runs (or give the server an \`auth\` setting with client credentials or your own \`authProvider\`).`,
    );
    expect(error.details).toMatchObject({ server: "secure", reason: "missing", fix: `baton mcp login ${oauth.mcpUrl}` });
    expect(oauth.log.registrations).toEqual([]);
    expect(oauth.log.requests.filter((r) => r.split(" ")[1] === "/mcp")).toEqual(["POST /mcp"]); // one try, no SSE GET

    // Named in mcp.json, the fix names the entry.
    const named = runner(memoryTokenStore(), { mcpRegistry: { mcpServers: { "acme/secure": { url: oauth.mcpUrl } } } });
    const byName = (await named.run({ input: "go", model: "sim/a", mcpServers: ["acme/secure"] }).catch((e: unknown) => e)) as BatonError;
    expect(byName.code).toBe("MCP_AUTH_REQUIRED");
    expect(byName.message).toContain('MCP server "secure" cannot be used');
    expect(byName.message).toContain("Run `baton mcp login acme/secure` to authorize");
  });

  it("logs in with the authorization code flow (PKCE, dynamic registration, resource), and runs use the stored token", async () => {
    const oauth = await oauthServer();
    const store = memoryTokenStore();
    const login = await mcpLogin(oauth.mcpUrl, { open: browse, tokenStore: store });
    expect(login).toEqual({
      server: expect.stringMatching(/^local_\d+$/),
      url: oauth.mcpUrl,
      scope: "mcp:read",
      refreshable: true,
      tools: 2,
    });
    expect(oauth.log.registrations).toEqual([
      { clientName: "baton", redirectUris: [expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)] },
    ]);
    expect(oauth.log.authorizations).toEqual([
      {
        clientId: expect.stringMatching(/^dyn-/),
        scope: "mcp:read offline_access",
        resource: oauth.mcpUrl,
        redirectUri: oauth.log.registrations[0]!.redirectUris[0],
      },
    ]);
    expect(oauth.log.tokens).toEqual([
      { grant: "authorization_code", clientId: expect.stringMatching(/^dyn-/), auth: "none", resource: oauth.mcpUrl },
    ]);
    const record = await store.get(oauth.mcpUrl);
    expect(record?.tokens?.access_token).toMatch(/^at-/);

    const result = await run(runner(store), oauth.mcpUrl);
    expect(result.finalOutput).toBe(`client ${oauth.log.tokens[0]!.clientId} with scope mcp:read`);
    expect(oauth.log.registrations).toHaveLength(1); // runs never register
  });

  it("refreshes an expired token without a person, and says what to do when the refresh is refused", async () => {
    const oauth = await oauthServer();
    const store = memoryTokenStore();
    await mcpLogin(oauth.mcpUrl, { open: browse, tokenStore: store });
    const first = (await store.get(oauth.mcpUrl))?.tokens?.access_token;
    oauth.expireTokens();
    const result = await run(runner(store), oauth.mcpUrl);
    expect(result.finalOutput).toMatch(/^client dyn-\S+ with scope mcp:read$/);
    expect(oauth.log.tokens.map((t) => t.grant)).toEqual(["authorization_code", "refresh_token"]);
    const renewed = (await store.get(oauth.mcpUrl))?.tokens?.access_token;
    expect(renewed).toMatch(/^at-/);
    expect(renewed).not.toBe(first);

    oauth.expireTokens();
    oauth.revokeRefreshTokens();
    const error = (await run(runner(store), oauth.mcpUrl).catch((e: unknown) => e)) as BatonError;
    expect(error.code).toBe("MCP_AUTH_REQUIRED");
    expect(error.message).toMatch(
      /^MCP server "secure" cannot be used: it refused baton's authorization \(the stored token was refused and could not be renewed\)\. Run `baton mcp login .*` to authorize again\.$/,
    );
  });

  it("steps up to more scope: a call says what to do, and the next login asks for that scope", async () => {
    const oauth = await oauthServer();
    const store = memoryTokenStore();
    await mcpLogin(oauth.mcpUrl, { open: browse, tokenStore: store });
    const refused = await run(runner(store, {}, "admin"), oauth.mcpUrl);
    expect(refused.finalOutput).toBe(
      `MCP server "secure" refused admin: it needs more scope ("mcp:read mcp:admin") than baton was granted. The call was not made. A person must act: Run \`baton mcp login ${oauth.mcpUrl}\` to authorize again.`,
    );
    expect(refused.toolResults?.[0]).toMatchObject({ isError: true });
    expect((await store.get(oauth.mcpUrl))?.wantedScope).toBe("mcp:read mcp:admin");

    const login = await mcpLogin(oauth.mcpUrl, { open: browse, tokenStore: store });
    expect(login.scope).toBe("mcp:read mcp:admin");
    expect(oauth.log.authorizations.at(-1)?.scope).toBe("mcp:read mcp:admin offline_access");
    expect((await run(runner(store, {}, "admin"), oauth.mcpUrl)).finalOutput).toBe("admin done");
    expect((await store.get(oauth.mcpUrl))?.wantedScope).toBeUndefined();
  });

  it("authorizes during a run when a person is at hand (mcp.onAuthorizationUrl), step-up included", async () => {
    const oauth = await oauthServer();
    const store = memoryTokenStore();
    const urls: string[] = [];
    const r = runner(
      store,
      {
        mcp: {
          onAuthorizationUrl: async (request) => {
            urls.push(request.server);
            await browse(request);
          },
        },
      },
      "whoami",
      "admin",
    );
    const result = await run(r, oauth.mcpUrl);
    expect(result.finalOutput).toMatch(/^client dyn-\S+ with scope mcp:read \| admin done$/);
    expect(urls).toEqual(["secure", "secure"]);
    expect(oauth.log.authorizations.map((a) => a.scope)).toEqual(["mcp:read offline_access", "mcp:read mcp:admin offline_access"]);
    expect((await store.get(oauth.mcpUrl))?.tokens?.scope).toBe("mcp:read mcp:admin");
  });

  it("uses client credentials: a client secret, or a private key that signs a JWT", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const oauth = await oauthServer({
      clients: [
        { id: "svc", secret: "s3cret-value" },
        { id: "jwt-svc", publicKey: publicKey.export({ type: "spki", format: "pem" }).toString() },
      ],
    });
    const store = memoryTokenStore();
    const secret = await run(runner(store), oauth.mcpUrl, {
      auth: { type: "client_credentials", clientId: "svc", clientSecret: "s3cret-value", issuer: oauth.url },
    });
    expect(secret.finalOutput).toBe("client svc with scope mcp:read");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const jwt = await run(runner(store), oauth.mcpUrl, {
      auth: { type: "client_credentials", clientId: "jwt-svc", privateKey: pem, issuer: oauth.url },
    });
    expect(jwt.finalOutput).toBe("client jwt-svc with scope mcp:read");
    expect(oauth.log.tokens.map((t) => [t.grant, t.clientId, t.auth])).toEqual([
      ["client_credentials", "svc", "basic"],
      ["client_credentials", "jwt-svc", "jwt"],
    ]);
    expect(await store.list()).toEqual([]); // machine tokens are not stored

    const wrong = (await run(runner(store), oauth.mcpUrl, {
      auth: { type: "client_credentials", clientId: "svc", clientSecret: "nope", issuer: oauth.url },
    }).catch((e: unknown) => e)) as BatonError;
    expect(wrong.code).toBe("MCP_AUTH_REQUIRED");
    expect(wrong.message).toMatch(
      /^MCP server "secure" cannot be used: it refused baton's authorization \(invalid_client: bad client secret\)\. Check the client credentials in its `auth` setting\.$/,
    );
  });

  it("rejects a malformed auth setting before connecting, without echoing secrets", async () => {
    const r = runner(memoryTokenStore());
    const error = (await run(r, "http://127.0.0.1:9/mcp", {
      auth: { type: "client_credentials", clientId: "x", clientSecret: "hush-123", privateKey: "also" },
    }).catch((e: unknown) => e)) as BatonError;
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe('MCP server "secure": auth of type "client_credentials" needs exactly one of clientSecret and privateKey');
    const stdio = (await r
      .run({ input: "go", model: "sim/a", mcpServers: [{ command: "node", name: "local", auth: { clientId: "x" } } as never] })
      .catch((e: unknown) => e)) as BatonError;
    expect(stdio.message).toContain('MCP server "local": auth applies to HTTP servers only');
  });

  it("never lets a token or a secret out: events, results, errors, snapshots, inspection", async () => {
    const oauth = await oauthServer({ clients: [{ id: "svc", secret: "s3cret-value" }] });
    const store = memoryTokenStore();
    await mcpLogin(oauth.mcpUrl, { open: browse, tokenStore: store });
    const seen: string[] = [];
    const r = runner(store, { inspect: (event) => seen.push(safeJson(event)) }, "whoami", "admin");
    const events: RunEvent[] = [];
    const stream = r.stream({ input: "go", model: "sim/a", mcpServers: [{ url: oauth.mcpUrl, name: "secure" }] });
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    seen.push(JSON.stringify(events), JSON.stringify(result));

    const team = r.team({
      model: "sim/a",
      mcpServers: [
        {
          url: oauth.mcpUrl,
          name: "credentials",
          auth: { type: "client_credentials", clientId: "svc", clientSecret: "s3cret-value", issuer: oauth.url },
        },
      ],
    });
    await team.run("go");
    seen.push(JSON.stringify(team.snapshot()));

    oauth.expireTokens();
    oauth.revokeRefreshTokens();
    const error = (await run(runner(store), oauth.mcpUrl).catch((e: unknown) => e)) as BatonError;
    seen.push(JSON.stringify(error), error.message, String(error.stack), safeJson(error.details));

    const everything = seen.join("\n");
    expect(oauth.issued.length).toBeGreaterThanOrEqual(4);
    for (const secret of [...oauth.issued, "s3cret-value"]) expect(everything).not.toContain(secret);
    expect(everything).toContain("admin"); // what was seen is the run itself
  });
});

/** JSON of anything, cycles and actor refs included (an inspection event holds both). */
function safeJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "function") return `[function ${(v as { name?: string }).name ?? ""}]`;
    if (v && typeof v === "object") {
      if (seen.has(v)) return "[seen]";
      seen.add(v);
    }
    return v;
  });
}
