/**
 * Request checks as strict as OpenAI Chat Completions: the rules that transcripts handed from
 * model to model most often break, content parts, response_format and the settings reasoning
 * models refuse (`openaiRules.ts`). Returns the first problem, worded like the real API.
 */
import { checkParts, checkReasoningSettings, checkResponseFormat } from "./openaiRules.js";
import { isRecord, type Verdict, type WireBody } from "./protocol.js";

export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_TOOL_CALL_ID = 40;
const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);

function isContent(value: unknown): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.every((part) => isRecord(part) && typeof part.type === "string"));
}

function checkNumber(body: WireBody, field: string, min: number, max: number): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || Number.isNaN(value)) return `Invalid type for '${field}': expected a number.`;
  if (value < min || value > max) return `Invalid '${field}': expected a value between ${min} and ${max}, got ${value}.`;
  return undefined;
}

function checkTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return "Invalid type for 'tools': expected an array.";
  for (const [i, tool] of tools.entries()) {
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) {
      return `Invalid 'tools[${i}]': expected an object with type 'function' and a 'function' object.`;
    }
    const name = tool.function.name;
    if (typeof name !== "string" || !TOOL_NAME.test(name)) {
      return `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.`;
    }
    if (tool.function.parameters !== undefined && !isRecord(tool.function.parameters)) {
      return `Invalid type for 'tools[${i}].function.parameters': expected an object.`;
    }
  }
  return undefined;
}

function checkToolCalls(calls: unknown, i: number): string | undefined {
  if (!Array.isArray(calls)) return `Invalid type for 'messages[${i}].tool_calls': expected an array.`;
  if (calls.length === 0) return `Invalid 'messages[${i}].tool_calls': empty array. Expected an array with minimum length 1.`;
  const ids = new Set<string>();
  for (const [j, call] of calls.entries()) {
    const at = `messages[${i}].tool_calls[${j}]`;
    if (!isRecord(call) || call.type !== "function" || !isRecord(call.function)) return `Invalid '${at}': expected a function tool call.`;
    if (typeof call.id !== "string" || call.id === "") return `Missing required parameter: '${at}.id'.`;
    if (call.id.length > MAX_TOOL_CALL_ID) {
      return `Invalid '${at}.id': string too long. Expected a string with maximum length ${MAX_TOOL_CALL_ID}, but got a string with length ${call.id.length} instead.`;
    }
    if (ids.has(call.id)) return `Invalid '${at}.id': duplicate tool call id '${call.id}'.`;
    ids.add(call.id);
    if (typeof call.function.name !== "string" || !TOOL_NAME.test(call.function.name)) {
      return `Invalid '${at}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.`;
    }
    if (typeof call.function.arguments !== "string") return `Invalid type for '${at}.function.arguments': expected a string.`;
  }
  return undefined;
}

function checkMessage(message: unknown, i: number): string | undefined {
  if (!isRecord(message)) return `Invalid type for 'messages[${i}]': expected an object.`;
  const role = message.role;
  if (typeof role !== "string" || !ROLES.has(role)) {
    return `Invalid value: '${String(role)}'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.`;
  }
  if (role === "assistant") {
    if (message.tool_calls !== undefined && message.tool_calls !== null) return checkToolCalls(message.tool_calls, i);
    if (!isContent(message.content))
      return `Invalid value for 'messages[${i}].content': expected a string, got ${message.content === null ? "null" : typeof message.content}.`;
    return undefined;
  }
  if (!isContent(message.content)) return `Invalid type for 'messages[${i}].content': expected one of a string or array of objects.`;
  if (role === "tool" && (typeof message.tool_call_id !== "string" || message.tool_call_id === "")) {
    return `Missing required parameter: 'messages[${i}].tool_call_id'.`;
  }
  return undefined;
}

/** Every assistant tool call answered by a `tool` message before the next other message; no orphans. */
function checkToolPairing(messages: readonly Record<string, unknown>[]): string | undefined {
  let pending = new Set<string>();
  const unanswered = () =>
    `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(", ")}`;
  for (const message of messages) {
    if (message.role === "tool") {
      const id = message.tool_call_id as string;
      if (!pending.has(id)) {
        return `Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (tool_call_id '${id}' answers none).`;
      }
      pending.delete(id);
      continue;
    }
    if (pending.size > 0) return unanswered();
    pending = new Set();
    if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls as Array<{ id: string }>) pending.add(call.id);
    }
  }
  return pending.size > 0 ? unanswered() : undefined;
}

export function validateOpenAIRequest(body: WireBody): Verdict {
  if (typeof body.model !== "string" || body.model === "") return "You must provide a model parameter.";
  const messages = body.messages;
  if (!Array.isArray(messages)) return "Missing required parameter: 'messages'.";
  if (messages.length === 0)
    return "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
  for (const [i, message] of messages.entries()) {
    const problem = checkMessage(message, i) ?? checkParts(message as Record<string, unknown>, i, body.model);
    if (problem) return problem;
  }
  const pairing = checkToolPairing(messages as Record<string, unknown>[]);
  if (pairing) return pairing;
  const tools = checkTools(body.tools);
  if (tools) return tools;
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean")
    return "Invalid type for 'stream': expected a boolean.";
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
  }
  for (const field of ["max_tokens", "max_completion_tokens"]) {
    const value = body[field];
    if (value !== undefined && value !== null && (!Number.isInteger(value) || (value as number) < 1)) {
      return `Invalid '${field}': expected an integer of at least 1.`;
    }
  }
  const stop = body.stop;
  if (
    stop !== undefined &&
    stop !== null &&
    typeof stop !== "string" &&
    !(Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === "string"))
  ) {
    return "Invalid 'stop': expected a string or an array of at most 4 strings.";
  }
  return (
    checkNumber(body, "temperature", 0, 2) ?? checkNumber(body, "top_p", 0, 1) ?? checkReasoningSettings(body) ?? checkResponseFormat(body)
  );
}
