import { createHash } from "node:crypto";

/**
 * Tool-call ids made valid for the provider that reads them. The transcript keeps the ids as
 * their author wrote them; adapters remap on the way out with these pure functions, so a call
 * and its result (both remapped the same way) still match, and the remap is the same on every
 * request of a conversation.
 */

const ANTHROPIC_ID = /^[a-zA-Z0-9_-]+$/;
/** OpenAI rejects tool_call ids longer than 40 characters. */
const OPENAI_MAX_ID = 40;

function shortHash(id: string): string {
  return createHash("sha256").update(id).digest("hex").slice(0, 8);
}

/** Anthropic: `^[a-zA-Z0-9_-]+$`. Invalid ids get their bad characters replaced plus a hash of the original. */
export function anthropicToolId(id: string): string {
  if (ANTHROPIC_ID.test(id) && id.length <= 64) return id;
  const base = id.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 48) || "call";
  return `${base}_${shortHash(id)}`;
}

/** OpenAI: at most 40 characters, non-empty. Longer ids are shortened with a hash of the original. */
export function openaiToolId(id: string): string {
  if (id.length > 0 && id.length <= OPENAI_MAX_ID) return id;
  return `${id.slice(0, OPENAI_MAX_ID - 9) || "call"}_${shortHash(id)}`;
}
