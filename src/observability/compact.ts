/**
 * Turns what actors send each other into JSON a trace file can hold. Messages are plain data by
 * rule, but a few carry more than a trace needs (the whole transcript in every TASK and model
 * call, the tool list of each step): in "summary" detail those become counts and the last
 * messages, and long strings are cut, so a trace grows with the run, not with its square.
 */

import type { Message } from "../transcript/index.js";
import { contentText } from "../transcript/text.js";

export type TraceDetail = "summary" | "full";

export interface CompactOptions {
  detail: TraceDetail;
  /** Strings longer than this are cut (summary detail only). */
  maxString: number;
  /** Arrays longer than this are cut (summary detail only; default 50). */
  maxArray?: number;
}

const MAX_DEPTH = 12;
const MAX_ARRAY = 50;
const MAX_KEYS = 60;

/** Any value as JSON-safe data: no functions, class instances by name, no cycles, strings cut. */
export function toJsonSafe(value: unknown, options: CompactOptions, depth = 0, seen = new WeakSet<object>()): unknown {
  const summary = options.detail === "summary";
  switch (typeof value) {
    case "string":
      return summary ? cut(value, options.maxString) : value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[…]";
  if (object instanceof Error) return { error: object.message };
  const actorRef = object as { sessionId?: unknown; send?: unknown; systemId?: unknown; id?: unknown };
  if (typeof actorRef.send === "function" && typeof actorRef.sessionId === "string") {
    return { actor: typeof actorRef.systemId === "string" ? actorRef.systemId : actorRef.id };
  }
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      const maxArray = options.maxArray ?? MAX_ARRAY;
      const items = summary && object.length > maxArray ? object.slice(0, maxArray) : object;
      const out = items.map((item) => toJsonSafe(item, options, depth + 1, seen) ?? null);
      if (items.length < object.length) out.push(`[… ${object.length - items.length} more]`);
      return out;
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) return `[${object.constructor?.name ?? "object"}]`;
    const out: Record<string, unknown> = {};
    let keys = 0;
    for (const [key, item] of Object.entries(object)) {
      if (summary && ++keys > MAX_KEYS) {
        out["…"] = `${Object.keys(object).length - MAX_KEYS} more keys`;
        break;
      }
      const safe = toJsonSafe(item, options, depth + 1, seen);
      if (safe !== undefined) out[key] = safe;
    }
    return out;
  } finally {
    seen.delete(object);
  }
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more chars]` : text;
}

/** A transcript in summary detail: how many messages, and the last two in short. */
export function transcriptSummary(messages: unknown, maxString: number): unknown {
  if (!Array.isArray(messages)) return messages;
  return { count: messages.length, last: messages.slice(-2).map((m) => messageSummary(m as Message, maxString)) };
}

/** One message in short: role, text (cut), tool calls by name and id. */
export function messageSummary(message: Message, maxString: number): Record<string, unknown> {
  const out: Record<string, unknown> = { role: message.role };
  if (message.role === "tool") {
    out.name = message.name;
    out.toolCallId = message.toolCallId;
    if (message.isError) out.isError = true;
  }
  out.text = cut(typeof message.content === "string" ? message.content : contentText(message.content), maxString);
  if (message.role === "assistant") {
    if (message.toolCalls?.length) out.toolCalls = message.toolCalls.map((c) => ({ id: c.id, name: c.name }));
    if (message.meta?.agent ?? message.meta?.model) out.by = message.meta?.agent ?? message.meta?.model;
  }
  return out;
}

const toolNames = (tools: unknown): unknown =>
  Array.isArray(tools)
    ? tools.map((t) => (t as { spec?: { name?: string }; name?: string }).spec?.name ?? (t as { name?: string }).name)
    : tools;

/**
 * An actor message as a trace holds it. In summary detail the heavy messages of the team
 * protocol keep what a reader needs (who, which step, the request's shape, the answer).
 */
export function compactMessage(event: Record<string, unknown>, options: CompactOptions): unknown {
  if (options.detail === "full") return toJsonSafe(event, options);
  const max = options.maxString;
  const { type: _type, ...data } = event;
  switch (event.type) {
    case "TASK":
      return toJsonSafe({ ...data, transcript: transcriptSummary(data.transcript, max) }, options);
    case "RUN":
      return toJsonSafe({ ...data, ...(data.messages ? { messages: transcriptSummary(data.messages, max) } : {}) }, options);
    case "STEP.GRANT":
      return toJsonSafe(
        {
          ...data,
          prepend: transcriptSummary(data.prepend, max),
          append: transcriptSummary(data.append, max),
          tools: toolNames(data.tools),
        },
        options,
      );
    case "STEP.DONE":
      return toJsonSafe({ ...data, messages: transcriptSummary(data.messages, max) }, options);
    case "CALL": {
      const request = (data.request ?? {}) as Record<string, unknown>;
      return toJsonSafe(
        {
          ...data,
          request: {
            modelId: request.modelId,
            model: request.model,
            system: request.system,
            messages: transcriptSummary(request.messages, max),
            tools: toolNames(request.tools),
            settings: request.settings,
            ...(request.output ? { output: (request.output as { name?: string }).name } : {}),
          },
        },
        options,
      );
    }
    default:
      return toJsonSafe(data, options);
  }
}
