/**
 * OpenAI Chat Completions rules beyond the transcript's shape: content parts (where images and
 * files may appear, data URLs, media types, size, models without vision), `response_format`
 * (json_schema names and strict schemas, json_object), and the settings reasoning models refuse.
 * Messages, params and codes as the real API gives them.
 */
import { base64Bytes, isBase64 } from "../../providers/content.js";
import { OPENAI_NO_JSON_SCHEMA, OPENAI_NO_VISION, OPENAI_REASONING } from "./modelRules.js";
import { isRecord, type Problem, type WireBody } from "./protocol.js";

const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];
/** 20 MB per image file. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;
const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function expectedDataUrl(at: string, got: string): Problem {
  return {
    message: `Invalid '${at}'. Expected a base64-encoded data URL with an image MIME type (e.g. 'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got ${got}.`,
    param: at,
    code: "invalid_value",
  };
}

function checkImageUrl(part: Record<string, unknown>, at: string, model: string): Problem | undefined {
  if (OPENAI_NO_VISION.test(model)) {
    return { message: "Invalid content type. image_url is only supported by certain models.", param: `${at}.type` };
  }
  const image = part.image_url;
  if (!isRecord(image) || typeof image.url !== "string")
    return { message: `Missing required parameter: '${at}.image_url.url'.`, param: `${at}.image_url.url` };
  if (image.detail !== undefined && !["auto", "low", "high"].includes(String(image.detail))) {
    return {
      message: `Invalid value: '${String(image.detail)}'. Supported values are: 'auto', 'low', and 'high'.`,
      param: `${at}.image_url.detail`,
    };
  }
  const url = image.url;
  if (/^https?:\/\//i.test(url)) return undefined;
  const match = DATA_URL.exec(url);
  if (!match) return expectedDataUrl(`${at}.image_url`, "a value that is neither an http(s) URL nor a base64 data URL");
  const [, mime = "", data = ""] = match;
  if (!IMAGE_TYPES.includes(mime)) return expectedDataUrl(`${at}.image_url`, `unsupported MIME type '${mime}'`);
  if (data === "") return expectedDataUrl(`${at}.image_url`, "empty base64-encoded bytes");
  if (!isBase64(data)) return expectedDataUrl(`${at}.image_url`, "invalid base64-encoded bytes");
  if (base64Bytes(data) > MAX_IMAGE_BYTES) {
    return {
      message: `Invalid '${at}.image_url'. Image is larger than the 20 MB limit.`,
      param: `${at}.image_url`,
      code: "image_too_large",
    };
  }
  return undefined;
}

function checkFile(part: Record<string, unknown>, at: string): Problem | undefined {
  const file = part.file;
  if (!isRecord(file)) return { message: `Missing required parameter: '${at}.file'.`, param: `${at}.file` };
  if (typeof file.file_id === "string") return undefined;
  if (typeof file.file_data !== "string")
    return { message: `Invalid '${at}.file': one of 'file_id' or 'file_data' is required.`, param: `${at}.file` };
  const match = DATA_URL.exec(file.file_data);
  if (!match || !isBase64(match[2] ?? "")) {
    return {
      message: `Invalid '${at}.file.file_data'. Expected a base64-encoded data URL (e.g. 'data:application/pdf;base64,JVBERi0...').`,
      param: `${at}.file.file_data`,
      code: "invalid_value",
    };
  }
  if (match[1] !== "application/pdf") {
    return {
      message: `Invalid '${at}.file.file_data'. Unsupported file type '${match[1]}': only PDF files are supported.`,
      param: `${at}.file.file_data`,
    };
  }
  return undefined;
}

/** The parts of one message: images and files in user messages only, text everywhere. */
export function checkParts(message: Record<string, unknown>, i: number, model: string): Problem | undefined {
  const content = message.content;
  if (!Array.isArray(content)) return undefined;
  const role = String(message.role);
  for (const [j, part] of content.entries()) {
    if (!isRecord(part)) continue;
    const at = `messages[${i}].content[${j}]`;
    if (part.type === "text") {
      if (typeof part.text !== "string") return { message: `Missing required parameter: '${at}.text'.`, param: `${at}.text` };
      continue;
    }
    if (part.type === "refusal" && role === "assistant") continue;
    if (part.type === "image_url" && role !== "user") {
      return {
        message: `Invalid 'messages[${i}]'. Image URLs are only allowed for messages with role 'user', but this message with role '${role}' contains an image URL.`,
        param: `messages[${i}]`,
        code: "invalid_value",
      };
    }
    if ((part.type === "file" || part.type === "input_audio") && role !== "user") {
      return {
        message: `Invalid 'messages[${i}]'. Files and audio are only allowed for messages with role 'user', but this message with role '${role}' contains a '${part.type}' part.`,
        param: `messages[${i}]`,
        code: "invalid_value",
      };
    }
    const problem =
      part.type === "image_url"
        ? checkImageUrl(part, at, model)
        : part.type === "file"
          ? checkFile(part, at)
          : part.type === "input_audio"
            ? undefined
            : {
                message: `Invalid value: '${String(part.type)}'. Supported values are: 'text', 'image_url', 'input_audio', 'refusal', and 'file'.`,
                param: `${at}.type`,
                code: "invalid_value",
              };
    if (problem) return problem;
  }
  return undefined;
}

/** OpenAI's strict mode: every object closed (`additionalProperties: false`) and every property required. */
function strictSchemaProblem(schema: unknown, name: string, context: string[]): string | undefined {
  if (Array.isArray(schema)) {
    for (const item of schema) {
      const problem = strictSchemaProblem(item, name, context);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isRecord(schema)) return undefined;
  const where = `Invalid schema for response_format '${name}': In context=(${context.map((c) => `'${c}'`).join(", ")}${context.length === 1 ? "," : ""})`;
  const isObject = schema.type === "object" || isRecord(schema.properties);
  if (isObject) {
    if (schema.additionalProperties !== false) return `${where}, 'additionalProperties' is required to be supplied and to be false.`;
    const keys = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required : [];
    const missing = keys.filter((key) => !required.includes(key));
    if (missing.length > 0) {
      return `${where}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing[0]}'.`;
    }
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties" && isRecord(value)) {
      for (const [prop, sub] of Object.entries(value)) {
        const problem = strictSchemaProblem(sub, name, [...context, "properties", prop]);
        if (problem) return problem;
      }
    } else if (typeof value === "object") {
      const problem = strictSchemaProblem(value, name, [...context, key]);
      if (problem) return problem;
    }
  }
  return undefined;
}

function mentionsJson(messages: unknown): boolean {
  return JSON.stringify(messages ?? [])
    .toLowerCase()
    .includes("json");
}

/** `response_format`: text, json_object (the word JSON in the messages), or json_schema with a name and a schema strict mode can enforce. */
export function checkResponseFormat(body: WireBody): Problem | undefined {
  const format = body.response_format;
  if (format === undefined || format === null) return undefined;
  const param = "response_format";
  if (!isRecord(format) || !["text", "json_object", "json_schema"].includes(String(format.type))) {
    return {
      message: "Invalid value for 'response_format.type': expected one of 'text', 'json_object' or 'json_schema'.",
      param: "response_format.type",
    };
  }
  if (format.type === "json_object" && !mentionsJson(body.messages)) {
    return {
      message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      param: "messages",
    };
  }
  if (format.type !== "json_schema") return undefined;
  if (OPENAI_NO_JSON_SCHEMA.test(String(body.model))) {
    return { message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", param };
  }
  const spec = format.json_schema;
  if (!isRecord(spec))
    return { message: "Missing required parameter: 'response_format.json_schema'.", param: "response_format.json_schema" };
  if (typeof spec.name !== "string" || !SCHEMA_NAME.test(spec.name)) {
    return {
      message:
        "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
      param: "response_format.json_schema.name",
    };
  }
  if (spec.schema !== undefined && !isRecord(spec.schema)) {
    return {
      message: "Invalid type for 'response_format.json_schema.schema': expected an object.",
      param: "response_format.json_schema.schema",
    };
  }
  if (spec.strict === true) {
    const schema = (spec.schema ?? {}) as Record<string, unknown>;
    if (schema.type !== "object") {
      return {
        message: `Invalid schema for response_format '${spec.name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${String(schema.type)}"'.`,
        param,
      };
    }
    const problem = strictSchemaProblem(schema, spec.name, []);
    if (problem) return { message: problem, param, code: "invalid_json_schema" };
  }
  return undefined;
}

/** Reasoning models take only the default temperature and top_p, no stop sequences, and max_completion_tokens instead of max_tokens. */
export function checkReasoningSettings(body: WireBody): Problem | undefined {
  if (!OPENAI_REASONING.test(String(body.model))) return undefined;
  for (const field of ["temperature", "top_p"]) {
    const value = body[field];
    if (value !== undefined && value !== null && value !== 1) {
      return {
        message: `Unsupported value: '${field}' does not support ${String(value)} with this model. Only the default (1) value is supported.`,
        param: field,
        code: "unsupported_value",
      };
    }
  }
  if (body.stop !== undefined && body.stop !== null) {
    return { message: "Unsupported parameter: 'stop' is not supported with this model.", param: "stop", code: "unsupported_parameter" };
  }
  if (body.max_tokens !== undefined && body.max_tokens !== null) {
    return {
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: "max_tokens",
      code: "unsupported_parameter",
    };
  }
  return undefined;
}
