/**
 * The MCP registry: `mcp.json` in the common `{ "mcpServers": { name: entry } }` format (the
 * VS Code `{ "servers": … }` spelling is accepted too). Names may be `org/name` slugs; a bare
 * `name` also finds a unique `org/name`. Entries may use `${VAR}` / `${VAR:-default}`. Pure:
 * reading the file is actors/mcp/registryFile.ts.
 */
import path from "node:path";
import { BatonError } from "../errors.js";
import { type HttpTransportMode, httpServer, type ResolvedServer, stdioServer } from "./spec.js";

export type RegistrySource = string | { mcpServers: Record<string, unknown> };

export interface McpRegistry {
  /** The file it came from, or a description ("an object", "none"). */
  origin: string;
  /** Where relative `cwd` and `./command` paths resolve from. */
  baseDir: string;
  entries: Record<string, unknown>;
}

function registryError(message: string, details: Record<string, unknown>, cause?: unknown): BatonError {
  return new BatonError("MCP_ERROR", message, { details, ...(cause === undefined ? {} : { cause }) });
}

function entriesOf(value: unknown, origin: string): Record<string, unknown> {
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const servers = record["mcpServers"] ?? record["servers"];
    if (servers && typeof servers === "object" && !Array.isArray(servers)) return servers as Record<string, unknown>;
  }
  throw registryError(`MCP registry ${origin} must be an object like {"mcpServers": {"name": {"command": "…", "args": []}}}`, {
    registry: origin,
  });
}

/** A registry given as an object (`mcpRegistry: { mcpServers: … }`). */
export function registryFromObject(source: unknown, cwd: string): McpRegistry {
  return { origin: "the mcpRegistry object", baseDir: cwd, entries: entriesOf(source, "object") };
}

/** No registry: no mcp.json in the working directory. */
export function emptyRegistry(cwd: string): McpRegistry {
  return { origin: `none (no mcp.json in ${cwd})`, baseDir: cwd, entries: {} };
}

/** The registry in the text of `file`. */
export function registryFromText(text: string, file: string): McpRegistry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw registryError(`MCP registry ${file} is not valid JSON: ${(error as Error).message}`, { registry: file }, error);
  }
  return { origin: file, baseDir: path.dirname(file), entries: entriesOf(parsed, file) };
}

export function registryReadError(file: string, error: unknown): BatonError {
  return registryError(`Cannot read MCP registry ${file}: ${(error as Error).message}`, { registry: file }, error);
}

/** Finds the entry for `name`: exact key, then case-insensitive, then a unique `org/<name>`. */
export function lookupRegistry(registry: McpRegistry, name: string): { key: string; entry: unknown } | undefined {
  const keys = Object.keys(registry.entries);
  const exact = keys.find((k) => k === name) ?? keys.find((k) => k.toLowerCase() === name.toLowerCase());
  if (exact !== undefined) return { key: exact, entry: registry.entries[exact] };
  if (name.includes("/")) return undefined;
  const bySlug = keys.filter((k) => k.includes("/") && k.slice(k.lastIndexOf("/") + 1).toLowerCase() === name.toLowerCase());
  if (bySlug.length > 1) {
    throw registryError(`MCP server name "${name}" is ambiguous in ${registry.origin}: use one of ${bySlug.join(", ")}`, {
      name,
      candidates: bySlug,
    });
  }
  const key = bySlug[0];
  return key === undefined ? undefined : { key, entry: registry.entries[key] };
}

export function unknownServerError(registry: McpRegistry, name: string): BatonError {
  const known = Object.keys(registry.entries);
  const example = JSON.stringify({ mcpServers: { [name]: { command: "npx", args: ["-y", "<npm package of the server>"] } } });
  return registryError(
    `Unknown MCP server "${name}": it is not in the MCP registry (${registry.origin}). ` +
      `Add it to mcp.json (or pass mcpRegistry), e.g. ${example}, or use { "url": "https://…" } for a remote server; ` +
      `or pass a full command line or URL instead of a name.` +
      (known.length > 0 ? ` Known names: ${known.join(", ")}.` : ""),
    { name, registry: registry.origin, known },
  );
}

/** Expands `${VAR}` and `${VAR:-default}` from `env`. */
export function expandVars(value: string, env: Readonly<Record<string, string | undefined>>, where: string): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const found = env[name];
    if (found !== undefined && found !== "") return found;
    if (fallback !== undefined) return fallback;
    throw registryError(`${where} uses \${${name}}, which is not set in the environment`, { variable: name });
  });
}

function stringRecord(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!value || typeof value !== "object" || Array.isArray(value)) throw registryError(`${what} must be an object of strings`, {});
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

const HTTP_TYPES: Record<string, HttpTransportMode> = {
  http: "auto",
  "streamable-http": "streamable-http",
  streamableHttp: "streamable-http",
  streamable_http: "streamable-http",
  sse: "sse",
};

/** Turns a registry entry into a resolved server named after the slug's last part (or `name`). */
export function resolveRegistryEntry(
  registry: McpRegistry,
  key: string,
  entry: unknown,
  env: Readonly<Record<string, string | undefined>>,
): ResolvedServer {
  const where = `MCP registry entry "${key}" (${registry.origin})`;
  if (!entry || typeof entry !== "object" || Array.isArray(entry)) {
    throw registryError(`${where} must be an object with "command" or "url"`, { name: key });
  }
  const e = entry as Record<string, unknown>;
  if (e["disabled"] === true) throw registryError(`${where} is disabled`, { name: key });
  const x = (v: string) => expandVars(v, env, where);
  const xRecord = (r: Record<string, string> | undefined) => (r ? Object.fromEntries(Object.entries(r).map(([k, v]) => [k, x(v)])) : r);
  const name = typeof e["name"] === "string" ? e["name"] : key.slice(key.lastIndexOf("/") + 1);
  const url = typeof e["url"] === "string" ? e["url"] : typeof e["serverUrl"] === "string" ? e["serverUrl"] : undefined;
  if (url !== undefined) {
    const type = typeof e["type"] === "string" ? e["type"] : "http";
    const transport = HTTP_TYPES[type];
    if (!transport) throw registryError(`${where} has unknown type "${type}" (use "http", "streamable-http" or "sse")`, { name: key });
    const headers = xRecord(stringRecord(e["headers"], `${where} "headers"`));
    const auth = e["auth"] === undefined ? {} : { auth: expandAuth(e["auth"], x) };
    const approval = e["requireApproval"] === undefined ? {} : { requireApproval: registryApproval(e["requireApproval"], where) };
    return httpServer({ url: x(url), ...(headers ? { headers } : {}), name, transport, ...auth, ...approval }, where, key);
  }
  if (typeof e["command"] === "string") {
    if (e["args"] !== undefined && !Array.isArray(e["args"])) throw registryError(`${where} "args" must be an array`, { name: key });
    let command = x(e["command"]);
    if (command.startsWith("./") || command.startsWith("../")) command = path.resolve(registry.baseDir, command);
    const args = ((e["args"] as unknown[] | undefined) ?? []).map((a) => x(String(a)));
    const envVars = xRecord(stringRecord(e["env"], `${where} "env"`));
    const cwd = typeof e["cwd"] === "string" ? path.resolve(registry.baseDir, x(e["cwd"])) : undefined;
    const approval = e["requireApproval"] === undefined ? {} : { requireApproval: registryApproval(e["requireApproval"], where) };
    const server = stdioServer(
      {
        command,
        args,
        ...(envVars ? { env: envVars } : {}),
        ...(cwd ? { cwd } : {}),
        name,
        ...approval,
        ...(e["auth"] === undefined ? {} : { auth: e["auth"] }),
      },
      where,
    );
    return { ...server, ref: key };
  }
  throw registryError(`${where} must have "command" (stdio) or "url" (HTTP)`, { name: key });
}

/** `requireApproval` in mcp.json: `true` or a list of tool names (a function cannot be written in JSON). */
function registryApproval(value: unknown, where: string): true | string[] {
  if (value === true || (Array.isArray(value) && value.every((t) => typeof t === "string"))) return value as true | string[];
  if (value === false) return [];
  throw registryError(`${where} "requireApproval" must be true, false or a list of tool names`, {});
}

/** `auth` in mcp.json with `${VAR}` expanded in its strings (secrets belong in the environment). */
function expandAuth(value: unknown, expand: (text: string) => string): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === "string" ? expand(v) : v]));
}
