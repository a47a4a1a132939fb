/**
 * How MCP tools are offered to models (DESIGN §5): names valid for every provider
 * (^[a-zA-Z0-9_-]{1,64}$), prefixed `<server>__` only where two servers of one list clash.
 */
import type { ToolEntry } from "../tools/toolEntry.js";
import { shortHash, TOOL_NAME_MAX, toolNameChars } from "../tools/toolName.js";

/** A tool as an MCP server lists it (the parts baton uses). */
export interface McpToolInfo {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
}

/** Replaces characters providers reject; names longer than 64 keep a hash of the original. */
export function sanitizeToolName(raw: string): string {
  const cleaned = toolNameChars(raw);
  const name = cleaned === "" ? "tool" : cleaned;
  if (name.length <= TOOL_NAME_MAX) return name;
  return `${name.slice(0, TOOL_NAME_MAX - 9)}_${shortHash(raw)}`;
}

function withSuffix(base: string, n: number): string {
  const suffix = `_${n}`;
  return base.slice(0, TOOL_NAME_MAX - suffix.length) + suffix;
}

/** The JSON Schema a model sees: always an object schema with `properties`. */
export function toolParameters(inputSchema: Record<string, unknown> | undefined): Record<string, unknown> {
  const schema = inputSchema && typeof inputSchema === "object" ? { ...inputSchema } : {};
  if (schema["type"] === undefined) schema["type"] = "object";
  if (schema["type"] === "object" && (schema["properties"] === undefined || schema["properties"] === null)) schema["properties"] = {};
  return schema;
}

export interface ServerTools {
  /** The server name (tool prefix and `source`). */
  server: string;
  /** The systemId of the service actor answering TOOL.CALL. */
  service: string;
  tools: readonly McpToolInfo[];
}

/**
 * Builds the catalog entries for the servers of one list. A tool name that two servers share is
 * prefixed with its server name on both; whatever still collides (after sanitising or cutting to
 * 64 characters) gets a numeric suffix, so every entry maps to exactly one server tool.
 */
export function buildToolEntries(servers: readonly ServerTools[]): ToolEntry[] {
  const owners = new Map<string, Set<string>>();
  for (const s of servers) {
    for (const tool of s.tools) {
      const base = sanitizeToolName(tool.name);
      const set = owners.get(base) ?? new Set<string>();
      set.add(s.server);
      owners.set(base, set);
    }
  }
  const taken = new Set<string>();
  const entries: ToolEntry[] = [];
  for (const s of servers) {
    for (const tool of s.tools) {
      const base = sanitizeToolName(tool.name);
      const clash = (owners.get(base)?.size ?? 0) > 1;
      let name = clash ? sanitizeToolName(`${s.server}__${tool.name}`) : base;
      for (let n = 2; taken.has(name); n++) name = withSuffix(clash ? sanitizeToolName(`${s.server}__${tool.name}`) : base, n);
      taken.add(name);
      entries.push({
        spec: { name, description: tool.description ?? tool.title ?? "", parameters: toolParameters(tool.inputSchema) },
        service: s.service,
        remoteName: tool.name,
        source: s.server,
      });
    }
  }
  return entries;
}
