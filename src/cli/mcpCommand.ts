/**
 * `baton mcp login|logout|list` (issue 19): authorize MCP servers that need OAuth before runs
 * use them, forget that authorization, and see each configured server, its transport and
 * whether it is authorized.
 */
import { parseArgs } from "node:util";
import { openInBrowser } from "../../actors/mcp/auth/browser.js";
import { mcpLogin, mcpLogout } from "../../actors/mcp/auth/login.js";
import { defaultTokenFile, fileTokenStore } from "../../actors/mcp/auth/tokenStore.js";
import { loadRegistry } from "../../actors/mcp/registryFile.js";
import { BatonError } from "../errors.js";
import { isAuthorized, type McpTokenStore, tokenKey } from "../mcp/auth/store.js";
import { resolveRegistryEntry } from "../mcp/registry.js";
import type { ResolvedServer } from "../mcp/spec.js";
import type { CliIO } from "./io.js";

export const MCP_USAGE = `baton mcp — MCP servers that need authorization

Usage:
  baton mcp login <server>    authorize: prints the authorization URL (and opens a browser
                              when there is one), receives the redirect on a loopback port,
                              stores the token
  baton mcp logout <server>   forget the stored token and registration of a server
  baton mcp list              each server of mcp.json: transport and authorization

<server> is a name in mcp.json or the server's URL.

Options:
      --mcp-registry <f>   path of an mcp.json (default ./mcp.json if present)
      --no-browser         only print the authorization URL
  -h, --help               this help

Tokens are kept in $XDG_CONFIG_HOME/baton/mcp-auth.json (~/.config/…), readable by you only.`;

const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export async function mcpCommand(
  argv: readonly string[],
  io: CliIO,
  store: McpTokenStore = fileTokenStore(defaultTokenFile(io.env)),
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`baton mcp: ${error instanceof Error ? error.message : String(error)}\nRun baton mcp --help for usage.\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, target, ...extra] = positionals;
  if (values.help || command === undefined) {
    io.stdout.write(`${MCP_USAGE}\n`);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  const registry = values["mcp-registry"];
  const common = { tokenStore: store, env: io.env, ...(registry ? { registry } : {}) };
  try {
    if (command === "list") {
      if (target !== undefined) throw new BatonError("INVALID_OPTIONS", "baton mcp list takes no server name");
      await list(io, store, registry, io.env);
      return EXIT.ok;
    }
    if (command !== "login" && command !== "logout") {
      io.stderr.write(`baton mcp: unknown command "${command}": use login, logout or list.\n`);
      return EXIT.usage;
    }
    if (target === undefined || extra.length > 0) {
      io.stderr.write(`baton mcp ${command}: give one server, a name in mcp.json or a URL.\n`);
      return EXIT.usage;
    }
    if (command === "logout") {
      const out = await mcpLogout(target, common);
      io.stdout.write(out.removed ? `Logged out of ${out.server} (${out.url}).\n` : `Nothing was stored for ${out.server} (${out.url}).\n`);
      return EXIT.ok;
    }
    const browser = !values["no-browser"] && io.stdout.isTTY === true;
    const result = await mcpLogin(target, {
      ...common,
      open: ({ server, url }) => {
        io.stdout.write(`To authorize ${server}, open this URL in a browser:\n\n  ${url}\n\n`);
        if (browser && openInBrowser(url, io.env)) io.stdout.write("(opened in your browser)\n");
        io.stdout.write("Waiting for the authorization…\n");
      },
    });
    const scope = result.scope ? `scope "${result.scope}"` : "no scope stated";
    const renew = result.refreshable ? "runs renew the token by themselves" : "no refresh token: log in again when it expires";
    io.stdout.write(`Authorized ${result.server} (${result.url}): ${scope}, ${result.tools} tools; ${renew}.\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof BatonError) {
      io.stderr.write(`baton mcp: ${error.code}: ${error.message}\n`);
      return error.code === "INVALID_OPTIONS" ? EXIT.usage : EXIT.failed;
    }
    io.stderr.write(`baton mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  }
}

async function list(io: CliIO, store: McpTokenStore, registry: string | undefined, env: CliIO["env"]): Promise<void> {
  const loaded = await loadRegistry(registry);
  const rows: string[][] = [["NAME", "TRANSPORT", "AUTHORIZATION"]];
  const stored = new Set(await store.list());
  for (const key of Object.keys(loaded.entries)) {
    let server: ResolvedServer;
    try {
      server = resolveRegistryEntry(loaded, key, loaded.entries[key], env);
    } catch (error) {
      rows.push([key, "?", `invalid entry: ${error instanceof Error ? error.message : String(error)}`]);
      continue;
    }
    if (server.connect.kind === "stdio") {
      rows.push([key, "stdio", "-"]);
      continue;
    }
    const url = tokenKey(server.connect.url);
    stored.delete(url);
    rows.push([key, `http (${server.connect.transport})`, await authState(server.connect.auth.kind, store, url)]);
  }
  for (const url of stored) rows.push([url, "http", await authState("oauth", store, url)]);
  if (rows.length === 1) io.stdout.write(`No MCP servers in ${loaded.origin}, and no stored authorization.\n`);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  for (const row of rows.length > 1 ? rows : [])
    io.stdout.write(`${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join("  ")}\n`);
}

async function authState(kind: string, store: McpTokenStore, url: string): Promise<string> {
  if (kind === "none") return "none (auth: false)";
  if (kind === "client_credentials") return "client credentials";
  if (kind === "provider") return "your authProvider";
  const record = await store.get(url);
  if (!isAuthorized(record)) return "not authorized (baton mcp login)";
  const scope = record?.tokens?.scope ? `, scope "${record.tokens.scope}"` : "";
  return `authorized${scope}${record?.tokens?.refresh_token ? ", refreshable" : ""}`;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      "mcp-registry": { type: "string" },
      "no-browser": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
