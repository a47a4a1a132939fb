/**
 * What every provider accepts as a tool name (`^[a-zA-Z0-9_-]{1,64}$`), in one place: local
 * handoff tools and MCP tools both make their names with these.
 */
import { createHash } from "node:crypto";

export const TOOL_NAME_MAX = 64;
export const VALID_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** Replaces every character a provider rejects in a tool name with `_` (the length is left as is). */
export function toolNameChars(raw: string): string {
  return raw.replace(/[^a-zA-Z0-9_-]/g, "_");
}

/** 8 hex characters of the text's SHA-256: keeps names that were cut to length apart. */
export function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}
