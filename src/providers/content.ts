/**
 * Content parts on their way to a provider: the placeholders that stand in for blank text, and
 * the checks an image or document must pass before any HTTP call (media type, base64 shape, the
 * provider's size limit), so bad input is a clear BatonError instead of a 400 after the call.
 */
import { BatonError } from "../errors.js";
import type { ContentPart, FilePart, ImagePart, Message } from "../transcript/index.js";

/** What a model reads where a tool returned nothing (or only whitespace). */
export const EMPTY_TOOL_RESULT = "(the tool returned no output)";
/** What a model reads where a user message held only whitespace. */
export const EMPTY_USER_TEXT = "(empty message)";

export function isBlank(text: string): boolean {
  return text.trim() === "";
}

/** The image formats both providers read. */
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;

export interface MediaLimits {
  /** Provider name for messages. */
  provider: string;
  /** Largest image, in bytes of base64 text (Anthropic measures the encoded string). */
  maxImageBase64Bytes?: number;
  /** Largest image, in decoded bytes (OpenAI measures the file). */
  maxImageBytes?: number;
  /** Largest PDF, in decoded bytes. */
  maxFileBytes: number;
}

const MB = 1024 * 1024;

/** Anthropic: 5 MB per image, measured on the base64 string; 32 MB per request (so per PDF). */
export const ANTHROPIC_LIMITS: MediaLimits = { provider: "anthropic", maxImageBase64Bytes: 5 * MB, maxFileBytes: 32 * MB };
/** OpenAI: 20 MB per image file; 32 MB of file content per request. */
export const OPENAI_LIMITS: MediaLimits = { provider: "openai", maxImageBytes: 20 * MB, maxFileBytes: 32 * MB };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True for standard base64 (padding optional, whitespace not allowed). */
export function isBase64(data: string): boolean {
  return data.length > 0 && data.length % 4 !== 1 && BASE64.test(data);
}

/** Decoded size of base64 text, without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

/** The image format the first bytes say, or undefined when they match none of the four. */
export function sniffImageType(data: string): string | undefined {
  const head = Buffer.from(data.slice(0, 24), "base64");
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (head.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  if (head.subarray(0, 4).toString("latin1") === "RIFF" && head.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(1)} MB`;
}

function invalid(where: string, message: string, details: Record<string, unknown>): BatonError {
  return new BatonError("INVALID_OPTIONS", `${where}: ${message}`, { details: { ...details, retryable: false } });
}

/**
 * Checks an image part against a provider's rules. `where` names the model and the message
 * (`anthropic/claude-…, message 3`). Throws INVALID_OPTIONS naming what is wrong and the fix.
 */
export function checkImage(part: ImagePart, limits: MediaLimits, where: string): void {
  if ("url" in part) {
    if (!/^https?:\/\//i.test(part.url)) {
      throw invalid(where, `image url "${part.url.slice(0, 40)}" is not an http(s) URL. Pass base64 as { data, mediaType } instead.`, {
        provider: limits.provider,
      });
    }
    return;
  }
  const details = { provider: limits.provider, mediaType: part.mediaType };
  if (!(IMAGE_MEDIA_TYPES as readonly string[]).includes(part.mediaType)) {
    throw invalid(where, `image mediaType "${part.mediaType}" is not supported; use one of ${IMAGE_MEDIA_TYPES.join(", ")}.`, details);
  }
  if (!isBase64(part.data)) {
    throw invalid(where, "image data is not base64. Pass the bytes base64-encoded, without a data: prefix or line breaks.", details);
  }
  const sniffed = sniffImageType(part.data);
  if (sniffed && sniffed !== part.mediaType) {
    throw invalid(where, `image data is ${sniffed} but mediaType says ${part.mediaType}. Give the image's real media type.`, details);
  }
  const encoded = part.data.length;
  if (limits.maxImageBase64Bytes !== undefined && encoded > limits.maxImageBase64Bytes) {
    throw invalid(
      where,
      `image is ${megabytes(encoded)} base64-encoded, over ${limits.provider}'s limit of ${megabytes(limits.maxImageBase64Bytes)} per image. Resize or compress it before sending.`,
      { ...details, bytes: encoded, limit: limits.maxImageBase64Bytes },
    );
  }
  const decoded = base64Bytes(part.data);
  if (limits.maxImageBytes !== undefined && decoded > limits.maxImageBytes) {
    throw invalid(
      where,
      `image is ${megabytes(decoded)}, over ${limits.provider}'s limit of ${megabytes(limits.maxImageBytes)} per image. Resize or compress it before sending.`,
      { ...details, bytes: decoded, limit: limits.maxImageBytes },
    );
  }
}

/** Checks an inline file part (base64 shape, size). URL files are passed on as they are. */
export function checkFile(part: FilePart, limits: MediaLimits, where: string): void {
  if (!("data" in part)) return;
  const details = { provider: limits.provider, mediaType: part.mediaType };
  if (!isBase64(part.data)) {
    throw invalid(where, "file data is not base64. Pass the bytes base64-encoded, without a data: prefix or line breaks.", details);
  }
  const decoded = base64Bytes(part.data);
  if (decoded > limits.maxFileBytes) {
    throw invalid(
      where,
      `file is ${megabytes(decoded)}, over ${limits.provider}'s limit of ${megabytes(limits.maxFileBytes)}. Split it before sending.`,
      {
        ...details,
        bytes: decoded,
        limit: limits.maxFileBytes,
      },
    );
  }
}

/** Checks every image and file part of some content. */
export function checkParts(parts: readonly ContentPart[], limits: MediaLimits, where: string): void {
  for (const part of parts) {
    if (part.type === "image") checkImage(part, limits, where);
    else if (part.type === "file") checkFile(part, limits, where);
  }
}

/** A file's name for placeholders and labels. */
export function fileLabel(part: FilePart): string {
  return part.name ?? ("url" in part ? part.url : "document");
}

/** Text of a base64 `text/plain` file. */
export function decodeText(data: string): string {
  return Buffer.from(data, "base64").toString("utf8");
}

/**
 * Defence in depth before any HTTP call: a request must hold a conversation (not only system
 * text), and every image and file in it must pass the provider's checks.
 */
export function checkRequestContent(request: { modelId: string; messages: readonly Message[] }, limits: MediaLimits): void {
  const conversation = request.messages.filter((m) => m.role !== "system");
  if (conversation.length === 0) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `${request.modelId}: the request has no messages to send (only system text, or nothing). Give the run an \`input\` or \`messages\`, and check that a handoff filter leaves at least one message.`,
      { details: { provider: limits.provider, model: request.modelId, retryable: false } },
    );
  }
  request.messages.forEach((message, i) => {
    if ((message.role === "user" || message.role === "tool") && typeof message.content !== "string") {
      checkParts(message.content, limits, `${request.modelId}, message ${i + 1} (${message.role})`);
    }
  });
}
