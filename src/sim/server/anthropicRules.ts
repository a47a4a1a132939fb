/**
 * Anthropic Messages rules beyond the transcript's shape: images and documents (source, media
 * type, base64, size), tool definitions whenever tool blocks appear, tool_choice, structured
 * output (`output_config`), and the sampling settings each model family refuses. Messages as the
 * real API words them.
 */
import { isBase64, sniffImageType } from "../../providers/content.js";
import { CLAUDE_NO_SAMPLING, CLAUDE_NO_STRUCTURED_OUTPUT, CLAUDE_ONE_SAMPLER } from "./modelRules.js";
import { isRecord, type WireBody } from "./protocol.js";

type Block = Record<string, unknown>;

const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
/** 5 MB per image, measured on the base64 text. */
const MAX_IMAGE_BASE64 = 5 * 1024 * 1024;

function checkBase64(data: unknown, at: string): string | undefined {
  if (typeof data !== "string") return `${at}.data: Field required`;
  if (!isBase64(data)) return `${at}.data: invalid base64 data`;
  return undefined;
}

/** An `image` block at `at` (`messages.0.content.1`, or a tool_result's content). */
export function checkImageBlock(block: Block, at: string): string | undefined {
  const source = block.source;
  if (!isRecord(source)) return `${at}.image.source: Field required`;
  if (source.type === "url") {
    return typeof source.url === "string" && /^https?:\/\//.test(source.url)
      ? undefined
      : `${at}.image.source.url.url: Input should be a valid URL`;
  }
  if (source.type === "file") return typeof source.file_id === "string" ? undefined : `${at}.image.source.file.file_id: Field required`;
  if (source.type !== "base64") {
    return `${at}.image.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`;
  }
  const path = `${at}.image.source.base64`;
  if (typeof source.media_type !== "string" || !IMAGE_TYPES.includes(source.media_type)) {
    return `${path}.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
  }
  const bad = checkBase64(source.data, path);
  if (bad) return bad;
  const data = source.data as string;
  if (data.length > MAX_IMAGE_BASE64) return `${path}: image exceeds 5 MB maximum: ${data.length} bytes > ${MAX_IMAGE_BASE64} bytes`;
  const actual = sniffImageType(data);
  if (actual === undefined) return `${path}.data: Could not process image`;
  if (actual !== source.media_type) {
    return `${path}.data: The image was specified using the ${source.media_type} media type, but the image appears to be a ${actual} image`;
  }
  return undefined;
}

/** A `document` block: a PDF (base64 or URL) or plain text. */
export function checkDocumentBlock(block: Block, at: string): string | undefined {
  const source = block.source;
  if (!isRecord(source)) return `${at}.document.source: Field required`;
  switch (source.type) {
    case "url":
      return typeof source.url === "string" && /^https?:\/\//.test(source.url)
        ? undefined
        : `${at}.document.source.url.url: Input should be a valid URL`;
    case "text":
      if (source.media_type !== "text/plain") return `${at}.document.source.text.media_type: Input should be 'text/plain'`;
      return typeof source.data === "string" ? undefined : `${at}.document.source.text.data: Field required`;
    case "content":
    case "file":
      return undefined;
    case "base64": {
      const path = `${at}.document.source.base64`;
      if (source.media_type !== "application/pdf") return `${path}.media_type: Input should be 'application/pdf'`;
      const bad = checkBase64(source.data, path);
      if (bad) return bad;
      const data = source.data as string;
      if (!Buffer.from(data.slice(0, 8), "base64").toString("latin1").startsWith("%PDF-"))
        return `${path}.data: The PDF specified was not valid.`;
      return undefined;
    }
    default:
      return `${at}.document.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'text', 'content', 'url', 'file'`;
  }
}

function hasToolBlocks(messages: unknown[]): boolean {
  return messages.some(
    (m) =>
      isRecord(m) && Array.isArray(m.content) && m.content.some((b) => isRecord(b) && (b.type === "tool_use" || b.type === "tool_result")),
  );
}

function toolNames(body: WireBody): string[] {
  return Array.isArray(body.tools) ? body.tools.filter(isRecord).map((t) => String(t.name)) : [];
}

/** Tools defined whenever the history holds tool blocks; a tool_choice that names a defined tool and fits thinking. */
export function checkToolUse(body: WireBody, thinking: boolean): string | undefined {
  const defined = Array.isArray(body.tools) && body.tools.length > 0;
  if (!defined && Array.isArray(body.messages) && hasToolBlocks(body.messages)) {
    return "Requests which include `tool_use` or `tool_result` blocks must define tools.";
  }
  const choice = body.tool_choice;
  if (choice === undefined) return undefined;
  if (!isRecord(choice) || !["auto", "any", "tool", "none"].includes(String(choice.type))) {
    return "tool_choice: Input tag found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'";
  }
  if (choice.type === "tool" && !toolNames(body).includes(String(choice.name))) {
    return `tool_choice.tool.name: Tool '${String(choice.name)}' not found in provided tools`;
  }
  if (thinking && (choice.type === "any" || choice.type === "tool")) return "Thinking may not be enabled when tool_choice forces tool use.";
  return undefined;
}

function objectsClosed(schema: unknown, at: string): string | undefined {
  if (Array.isArray(schema)) {
    for (const item of schema) {
      const problem = objectsClosed(item, at);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isRecord(schema)) return undefined;
  const isObject =
    schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object")) || isRecord(schema.properties);
  if (isObject && schema.additionalProperties !== false) {
    return schema.additionalProperties === true
      ? `${at}: For 'object' type, 'additionalProperties: true' is not supported. Please set 'additionalProperties' to false`
      : `${at}: For 'object' type, 'additionalProperties' must be explicitly set to false`;
  }
  for (const value of Object.values(schema)) {
    const problem = objectsClosed(value, at);
    if (problem) return problem;
  }
  return undefined;
}

/** `output_config.format`: a json_schema format with a schema the API can enforce, on a model that has it. */
export function checkOutputConfig(body: WireBody): string | undefined {
  const config = body.output_config;
  if (config === undefined) return undefined;
  if (!isRecord(config)) return "output_config: Input should be a valid dictionary";
  const format = config.format;
  if (format === undefined || format === null) return undefined;
  if (CLAUDE_NO_STRUCTURED_OUTPUT.test(String(body.model))) return "output_config.format: Extra inputs are not permitted";
  if (!isRecord(format) || format.type !== "json_schema") return "output_config.format.type: Input should be 'json_schema'";
  if (!isRecord(format.schema)) return "output_config.format.schema: Field required";
  return objectsClosed(format.schema, "output_config.format.schema");
}

/** Sampling settings the model family refuses. */
export function checkSampling(body: WireBody): string | undefined {
  const model = String(body.model);
  if (CLAUDE_NO_SAMPLING.test(model)) {
    // The deprecated fields are still accepted at their defaults, as the SDK documents.
    if (body.temperature !== undefined && body.temperature !== 1) return "`temperature` is deprecated for this model.";
    if (body.top_p !== undefined && typeof body.top_p === "number" && body.top_p < 0.99) return "`top_p` is deprecated for this model.";
    if (body.top_k !== undefined) return "`top_k` is deprecated for this model.";
  }
  if (CLAUDE_ONE_SAMPLER.test(model) && body.temperature !== undefined && body.top_p !== undefined) {
    return "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
  }
  return undefined;
}
