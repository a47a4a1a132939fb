/**
 * Request checks as strict as Anthropic Messages: alternating roles starting with a user turn,
 * every tool_use answered in the very next user turn, id and name patterns, max_tokens, no
 * system role in messages, thinking blocks intact, images and documents, tools defined for tool
 * history, structured output, and the sampling settings each model refuses
 * (`anthropicRules.ts`). Returns the first problem, worded like the real API.
 */
import { checkDocumentBlock, checkImageBlock, checkOutputConfig, checkSampling, checkToolUse } from "./anthropicRules.js";
import { isRecord, type WireBody } from "./protocol.js";
import { thinkingEnabled, thinkingSignature } from "./thinking.js";

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const USER_BLOCKS = new Set(["text", "image", "document", "tool_result"]);
const ASSISTANT_BLOCKS = new Set(["text", "tool_use", "thinking", "redacted_thinking"]);

type Block = Record<string, unknown>;

function blocksOf(content: unknown): Block[] | undefined {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (Array.isArray(content) && content.every(isRecord)) return content;
  return undefined;
}

function checkText(text: unknown, at: string): string | undefined {
  if (typeof text !== "string") return `${at}.text: Field required`;
  if (text === "") return `${at}: text content blocks must be non-empty`;
  if (text.trim() === "") return `${at}: text content blocks must contain non-whitespace text`;
  return undefined;
}

function checkToolResultContent(content: unknown, at: string): string | undefined {
  if (content === undefined) return undefined;
  // A string is one text block: empty means no content, whitespace alone is refused like any text block.
  if (typeof content === "string") return content !== "" && content.trim() === "" ? checkText(content, at) : undefined;
  if (!Array.isArray(content)) return `${at}.content: Input should be a valid string or list`;
  for (const [k, block] of content.entries()) {
    if (!isRecord(block) || (block.type !== "text" && block.type !== "image" && block.type !== "document")) {
      return `${at}.content.${k}: Input tag found using 'type' does not match any of the expected tags: 'text', 'image', 'document'`;
    }
    const problem =
      block.type === "text"
        ? checkText(block.text, `${at}.content.${k}`)
        : block.type === "image"
          ? checkImageBlock(block, `${at}.tool_result.content.${k}`)
          : checkDocumentBlock(block, `${at}.tool_result.content.${k}`);
    if (problem) return problem;
  }
  return undefined;
}

function checkBlock(block: Block, role: string, at: string): string | undefined {
  const type = block.type;
  const allowed = role === "user" ? USER_BLOCKS : ASSISTANT_BLOCKS;
  if (typeof type !== "string" || !allowed.has(type)) {
    return `${at}: Input tag '${String(type)}' found using 'type' is not allowed in a "${role}" message`;
  }
  switch (type) {
    case "text":
      return checkText(block.text, at);
    case "image":
      return checkImageBlock(block, at);
    case "document":
      return checkDocumentBlock(block, at);
    case "tool_use":
      if (typeof block.id !== "string" || !TOOL_ID.test(block.id)) return `${at}.id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      if (typeof block.name !== "string" || !TOOL_NAME.test(block.name))
        return `${at}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
      if (!isRecord(block.input)) return `${at}.input: Input should be a valid dictionary`;
      return undefined;
    case "tool_result":
      if (typeof block.tool_use_id !== "string" || !TOOL_ID.test(block.tool_use_id)) {
        return `${at}.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      }
      if (block.is_error !== undefined && typeof block.is_error !== "boolean") return `${at}.is_error: Input should be a valid boolean`;
      return checkToolResultContent(block.content, at);
    case "thinking":
      if (typeof block.thinking !== "string" || typeof block.signature !== "string")
        return `${at}: thinking blocks need 'thinking' and 'signature'`;
      if (block.signature !== thinkingSignature(block.thinking)) return `${at}: Invalid \`signature\` in \`thinking\` block`;
      return undefined;
    case "redacted_thinking":
      return typeof block.data === "string" ? undefined : `${at}.data: Field required`;
    default:
      return undefined;
  }
}

function checkMessages(messages: unknown[], thinking: boolean): string | undefined {
  const seenToolUse = new Set<string>();
  let owed: string[] = [];
  let lastAssistant = -1;
  for (const [i, message] of messages.entries()) {
    const at = `messages.${i}`;
    if (!isRecord(message)) return `${at}: Input should be a valid dictionary`;
    const role = message.role;
    if (role === "system") {
      return `${at}: Unexpected role "system". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`;
    }
    if (role !== "user" && role !== "assistant") return `${at}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && role !== "user") return `messages: first message must use the "user" role`;
    const previous = i > 0 ? (messages[i - 1] as Block).role : undefined;
    if (role === previous)
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    const blocks = blocksOf(message.content);
    if (!blocks) return `${at}.content: Input should be a valid string or list`;
    const isFinalAssistant = role === "assistant" && i === messages.length - 1;
    if (blocks.length === 0 && !isFinalAssistant)
      return `${at}: all messages must have non-empty content except for the optional final assistant message`;
    for (const [j, block] of blocks.entries()) {
      const problem = checkBlock(block, role, `${at}.content.${j}`);
      if (problem) return problem;
    }
    if (role === "user") {
      const results = blocks.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id as string);
      const answered = new Set<string>();
      for (const [j, id] of results.entries()) {
        if (!owed.includes(id)) {
          return `${at}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        if (answered.has(id)) return `${at}.content.${j}: each \`tool_use\` id must have exactly one \`tool_result\`, found two for ${id}`;
        answered.add(id);
      }
      const missing = owed.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
      owed = [];
    } else {
      lastAssistant = i;
      owed = [];
      for (const [j, block] of blocks.entries()) {
        if (block.type !== "tool_use") continue;
        const id = block.id as string;
        if (seenToolUse.has(id)) return `${at}.content.${j}: \`tool_use\` ids must be unique`;
        seenToolUse.add(id);
        owed.push(id);
      }
    }
  }
  if (owed.length > 0) {
    return `messages.${messages.length - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${owed.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
  }
  if (thinking && lastAssistant >= 0) {
    const blocks = blocksOf((messages[lastAssistant] as Block).content) ?? [];
    const first = blocks[0]?.type;
    if (blocks.some((b) => b.type === "tool_use") && first !== "thinking" && first !== "redacted_thinking") {
      return `messages.${lastAssistant}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceding the lastmost set of \`tool_use\` and \`tool_result\` blocks). To avoid this requirement, disable \`thinking\`.`;
    }
  }
  return undefined;
}

function checkTools(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return "tools: Input should be a valid list";
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (!isRecord(tool)) return `tools.${i}: Input should be a valid dictionary`;
    if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") continue; // server tools
    if (typeof tool.name !== "string" || !TOOL_NAME.test(tool.name))
      return `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    if (names.has(tool.name)) return "tools: Tool names must be unique.";
    names.add(tool.name);
    if (!isRecord(tool.input_schema)) return `tools.${i}.custom.input_schema: Field required`;
    if (tool.input_schema.type !== "object") return `tools.${i}.custom.input_schema.type: Input should be 'object'`;
  }
  return undefined;
}

function checkRange(body: WireBody, field: string, min: number, max: number): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || value < min || value > max) return `${field}: Input should be a number between ${min} and ${max}`;
  return undefined;
}

function checkThinking(body: WireBody): string | undefined {
  const thinking = body.thinking;
  if (thinking === undefined || !isRecord(thinking) || thinking.type !== "enabled") return undefined;
  const budget = thinking.budget_tokens;
  if (!Number.isInteger(budget) || (budget as number) < 1024)
    return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
  if ((budget as number) >= (body.max_tokens as number)) return "`max_tokens` must be greater than `thinking.budget_tokens`";
  return undefined;
}

export function validateAnthropicRequest(body: WireBody): string | undefined {
  if (typeof body.model !== "string" || body.model === "") return "model: Field required";
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1)
    return "max_tokens: Input should be a valid integer greater than or equal to 1";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  if (body.messages.length === 0) return "messages: at least one message is required";
  const system = body.system;
  if (system !== undefined && typeof system !== "string") {
    if (!Array.isArray(system) || !system.every((b) => isRecord(b) && b.type === "text" && typeof b.text === "string")) {
      return "system: Input should be a valid string or a list of text blocks";
    }
  }
  if (body.stream !== undefined && typeof body.stream !== "boolean") return "stream: Input should be a valid boolean";
  const stop = body.stop_sequences;
  if (stop !== undefined && !(Array.isArray(stop) && stop.every((s) => typeof s === "string")))
    return "stop_sequences: Input should be a valid list of strings";
  return (
    checkRange(body, "temperature", 0, 1) ??
    checkRange(body, "top_p", 0, 1) ??
    checkSampling(body) ??
    checkThinking(body) ??
    checkTools(body.tools) ??
    checkMessages(body.messages, thinkingEnabled(body)) ??
    checkToolUse(body, thinkingEnabled(body)) ??
    checkOutputConfig(body)
  );
}
