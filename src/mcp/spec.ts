/**
 * MCP server specs (DESIGN §5): what users write, and the resolved connection config the
 * service actor uses. Pure: no I/O.
 */
import { BatonError } from "../errors.js";
import { type ApprovalRule, approvalRule, type RequireApproval } from "./approval.js";
import { type AuthConfig, type McpAuth, resolveAuth } from "./auth/config.js";
import { formatCommandLine, parseCommandLine } from "./commandLine.js";

/** A server baton starts and talks to over stdio. */
export interface McpStdioServerSpec {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  name?: string;
  /** Calls that need a person's approval before they run: every tool, these tools, or as a function decides. */
  requireApproval?: RequireApproval;
}

/** A server reached over HTTP: Streamable HTTP, falling back to SSE unless `transport` says which. */
export interface McpHttpServerSpec {
  url: string;
  headers?: Record<string, string>;
  name?: string;
  transport?: HttpTransportMode;
  /** How baton authorizes: OAuth from the token store by default (`baton mcp login`); see McpAuth. */
  auth?: McpAuth;
  requireApproval?: RequireApproval;
}

export type McpServerSpec = string | McpStdioServerSpec | McpHttpServerSpec;

/** How to reach an HTTP server: Streamable HTTP first with SSE fallback, or one of them only. */
export type HttpTransportMode = "auto" | "streamable-http" | "sse";

/** The transport a connection ended up using. */
export type TransportKind = "stdio" | "streamable-http" | "sse";

/** How a server is reached, as the service knows it: stdio, or which HTTP transports may be tried. */
export type ServerTransport = "stdio" | HttpTransportMode;

export type ConnectConfig =
  | { kind: "stdio"; command: string; args: string[]; env?: Record<string, string>; cwd?: string }
  | { kind: "http"; url: string; headers?: Record<string, string>; transport: HttpTransportMode; auth: AuthConfig };

export interface ResolvedServer {
  /** Preferred server name (made unique by the pool). */
  name: string;
  /**
   * Equal for specs that reach the same server the same way: the pool reuses the connection.
   * Functions and providers are not in it: the pool adds their identity.
   */
  identity: string;
  /** The command line or URL, for messages. */
  label: string;
  /** How a person names the server to `baton mcp login`: its registry name, else its URL. */
  ref: string;
  connect: ConnectConfig;
  approval: ApprovalRule;
  /** The user's `requireApproval` function (approval is `ask`). */
  approve?: (tool: string, args: Record<string, unknown>) => boolean | Promise<boolean>;
}

function approvalOf(value: unknown, where: string): Pick<ResolvedServer, "approval" | "approve"> {
  const approval = approvalRule(value, where);
  return approval.kind === "ask" ? { approval, approve: value as NonNullable<ResolvedServer["approve"]> } : { approval };
}

const NAME_MAX = 32;

/** Makes a name safe for systemIds and tool prefixes. */
export function sanitizeServerName(raw: string): string {
  const cleaned = raw
    .replace(/[^a-zA-Z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, NAME_MAX);
  return cleaned === "" ? "mcp" : cleaned;
}

const WRAPPERS = new Set([
  "npx",
  "pnpx",
  "bunx",
  "uvx",
  "uv",
  "pipx",
  "node",
  "nodejs",
  "deno",
  "bun",
  "python",
  "python3",
  "docker",
  "podman",
  "pnpm",
  "yarn",
  "npm",
  "tsx",
  "env",
  "exec",
  "run",
  "dlx",
]);
const SKIP_PATH_PARTS = new Set(["dist", "build", "lib", "src", "bin", "out", "index", "main", "cli", "server"]);

function stripAffixes(name: string): string {
  let n = name.replace(/(.)@[^/@]*$/, "$1"); // pkg@latest
  n = n.replace(/^@[^/]+\//, "");
  n = n.replace(/^(mcp[-_]server[-_]|server[-_]|mcp[-_])/i, "");
  n = n.replace(/([-_]mcp[-_]server|[-_]mcp|[-_]server)$/i, "");
  return n;
}

function nameFromWord(word: string): string | undefined {
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(word);
  if (nm) return stripAffixes(nm[1]!);
  if (word.startsWith("/") || word.startsWith(".") || /^[A-Za-z]:\\/.test(word) || word.split("/").length > 2) {
    const parts = word.split(/[\\/]/).filter(Boolean);
    for (let i = parts.length - 1; i >= 0; i--) {
      const base = parts[i]!.replace(/\.[cm]?[jt]s$|\.py$/, "");
      if (!SKIP_PATH_PARTS.has(base.toLowerCase())) return stripAffixes(base);
    }
    return undefined;
  }
  const last = word.startsWith("@") ? word : (word.split("/").pop() ?? word);
  return stripAffixes(last.replace(/:[^/]*$/, "")); // docker image tags
}

/** A readable default name for a stdio server: its package or script, without `server-`/`-mcp` affixes. */
export function nameFromCommand(command: string, args: readonly string[]): string {
  const words = [command, ...args];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word.startsWith("-")) continue;
    if (!/^[\w@./:\\-]+$/.test(word)) continue;
    const base = (word.split(/[\\/]/).pop() ?? word).replace(/\.(exe|cmd)$/i, "");
    if (WRAPPERS.has(base.toLowerCase())) continue;
    const name = nameFromWord(word);
    if (name) return sanitizeServerName(name);
  }
  return sanitizeServerName((command.split(/[\\/]/).pop() ?? command).replace(/\.(exe|cmd)$/i, ""));
}

const GENERIC_HOST_LABELS = new Set(["mcp", "www", "api", "server", "app"]);

/** A readable default name for an HTTP server: its host (local ones by port). */
export function nameFromUrl(url: string): string {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, "");
  const isLocal = host === "localhost" || /^[\d.]+$/.test(host) || host.includes(":");
  if (isLocal) return sanitizeServerName(`local_${parsed.port || (parsed.protocol === "https:" ? "443" : "80")}`);
  const labels = host.split(".");
  const candidates = labels.slice(0, -1).filter((l) => !GENERIC_HOST_LABELS.has(l.toLowerCase()));
  return sanitizeServerName(candidates[0] ?? labels[0] ?? "http");
}

function sortedRecord(record: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!record || Object.keys(record).length === 0) return undefined;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function identityOf(connect: ConnectConfig): string {
  if (connect.kind === "stdio") {
    return JSON.stringify(["stdio", connect.command, connect.args, sortedRecord(connect.env) ?? null, connect.cwd ?? null]);
  }
  return JSON.stringify(["http", connect.url, sortedRecord(connect.headers) ?? null, connect.transport]);
}

/** What `where` says in errors about a spec: its name, or what it starts. */
function specWhere(config: { name?: string | undefined; command?: string; url?: string }): string {
  return `MCP server ${JSON.stringify(config.name ?? config.url ?? config.command)}`;
}

export function stdioServer(
  config: {
    command: string;
    args?: readonly string[];
    env?: Record<string, string>;
    cwd?: string;
    name?: string;
    requireApproval?: unknown;
    auth?: unknown;
  },
  where: string = specWhere(config),
): ResolvedServer {
  if (typeof config.command !== "string" || config.command.trim() === "") {
    throw new BatonError("INVALID_OPTIONS", "MCP server spec has an empty command", { details: { spec: config } });
  }
  if (config.auth !== undefined) {
    throw new BatonError("INVALID_OPTIONS", `${where}: auth applies to HTTP servers only; a stdio server takes credentials in its env`, {
      details: { command: config.command },
    });
  }
  const args = [...(config.args ?? [])].map(String);
  const env = sortedRecord(config.env);
  const connect: ConnectConfig = {
    kind: "stdio",
    command: config.command,
    args,
    ...(env ? { env } : {}),
    ...(config.cwd ? { cwd: config.cwd } : {}),
  };
  const label = formatCommandLine(config.command, args);
  return {
    name: config.name ? sanitizeServerName(config.name) : nameFromCommand(config.command, args),
    identity: identityOf(connect),
    label,
    ref: label,
    connect,
    ...approvalOf(config.requireApproval, where),
  };
}

export function httpServer(
  config: {
    url: string;
    headers?: Record<string, string>;
    name?: string;
    transport?: HttpTransportMode;
    auth?: unknown;
    requireApproval?: unknown;
  },
  where: string = specWhere(config),
  ref?: string,
): ResolvedServer {
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new BatonError("INVALID_OPTIONS", `MCP server URL is not valid: ${config.url}`, { details: { url: config.url } });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new BatonError("INVALID_OPTIONS", `MCP server URL must be http(s): ${config.url}`, { details: { url: config.url } });
  }
  url.hash = "";
  const headers = sortedRecord(config.headers);
  const auth = resolveAuth(config.auth, where);
  const connect: ConnectConfig = {
    kind: "http",
    url: url.href,
    ...(headers ? { headers } : {}),
    transport: config.transport ?? "auto",
    auth,
  };
  return {
    name: config.name ? sanitizeServerName(config.name) : nameFromUrl(url.href),
    identity: identityOf(connect),
    label: url.href,
    ref: ref ?? url.href,
    connect,
    ...approvalOf(config.requireApproval, where),
  };
}

/** A string that names a registry entry rather than a command: `name` or `org/name`, no spaces or paths. */
export function looksLikeRegistryName(spec: string): boolean {
  return /^@?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)?$/.test(spec) && !spec.startsWith(".") && !/\.[cm]?[jt]s$|\.py$/.test(spec);
}

export function isUrlSpec(spec: string): boolean {
  return /^https?:\/\//i.test(spec.trim());
}

/**
 * Resolves a spec that is not a registry name: a URL, a command line, or an object.
 * Registry names are resolved by the registry (see registry.ts) before this is called.
 */
export function resolveDirectSpec(spec: Exclude<McpServerSpec, string> | string): ResolvedServer {
  if (typeof spec === "string") {
    const trimmed = spec.trim();
    if (isUrlSpec(trimmed)) return httpServer({ url: trimmed });
    const line = parseCommandLine(trimmed);
    return stdioServer({ command: line.command, args: line.args, env: line.env });
  }
  if (spec && typeof spec === "object") {
    if ("url" in spec && typeof spec.url === "string") return httpServer(spec);
    if ("command" in spec && typeof spec.command === "string") return stdioServer(spec);
  }
  throw new BatonError("INVALID_OPTIONS", "MCP server spec must be a URL, a command line, { command, args } or { url }", {
    details: { spec: describeSpec(spec) },
  });
}

function describeSpec(spec: unknown): string {
  try {
    return JSON.stringify(spec) ?? String(spec);
  } catch {
    return String(spec);
  }
}
