/**
 * MCP tool results as the content a model reads (issue 15): text blocks as text, images as image
 * parts (the types every provider takes; others as a short placeholder), audio as a placeholder,
 * embedded resources as their text, structured content as JSON (unless the text blocks already
 * carry it: the same JSON, or every value of it). Pure.
 */
import type { Content, ContentPart } from "../transcript/index.js";

/** Image types every provider adapter accepts in a tool result. */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

function byteSize(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function describeResource(resource: Record<string, unknown>): string {
  const uri = str(resource["uri"]) ?? "(no uri)";
  const mime = str(resource["mimeType"]);
  if (typeof resource["text"] === "string") return `[resource ${uri}${mime ? ` (${mime})` : ""}]\n${resource["text"]}`;
  if (typeof resource["blob"] === "string") {
    return `[resource ${uri}: ${mime ?? "binary"}, ${formatBytes(byteSize(resource["blob"]))}]`;
  }
  return `[resource ${uri}]`;
}

/** One content block as text. Unknown block types are shown as JSON so nothing is silently lost. */
export function contentBlockText(block: unknown): string {
  if (!block || typeof block !== "object") return String(block);
  const b = block as Record<string, unknown>;
  switch (b["type"]) {
    case "text":
      return typeof b["text"] === "string" ? b["text"] : "";
    case "image":
    case "audio": {
      const data = typeof b["data"] === "string" ? b["data"] : "";
      return `[${b["type"]}: ${str(b["mimeType"]) ?? "unknown type"}, ${formatBytes(byteSize(data))}]`;
    }
    case "resource_link": {
      const parts = [str(b["name"]) ?? str(b["title"]), `<${str(b["uri"]) ?? ""}>`, str(b["mimeType"]) && `(${b["mimeType"]})`];
      const description = str(b["description"]);
      return `[resource link: ${parts.filter(Boolean).join(" ")}${description ? ` ${description}` : ""}]`;
    }
    case "resource":
      return b["resource"] && typeof b["resource"] === "object" ? describeResource(b["resource"] as Record<string, unknown>) : "[resource]";
    default:
      return JSON.stringify(block);
  }
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

function leaves(value: unknown, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  if (typeof value === "object") {
    for (const v of Object.values(value as Record<string, unknown>)) leaves(v, out);
  } else {
    out.push(String(value));
  }
  return out;
}

/** Whether the text blocks already say what the structured content says (the usual backward-compatible form). */
function carries(texts: readonly string[], structured: unknown): boolean {
  if (texts.some((t) => sameJson(t, structured))) return true;
  const joined = texts.join("\n");
  return texts.length > 0 && leaves(structured).every((leaf) => joined.includes(leaf));
}

function imagePart(block: Record<string, unknown>): ContentPart | undefined {
  const mediaType = str(block["mimeType"]);
  const data = str(block["data"]);
  if (!mediaType || !data || !IMAGE_TYPES.has(mediaType.toLowerCase())) return undefined;
  return { type: "image", data, mediaType: mediaType.toLowerCase() };
}

/**
 * The content of a `tools/call` result and whether the server marked it as an error: a string
 * when it is all text, else parts (adjacent text joined by newlines, images in place).
 */
export function toolResultContent(result: unknown): { content: Content; isError: boolean } {
  if (!result || typeof result !== "object") return { content: String(result ?? ""), isError: false };
  const r = result as Record<string, unknown>;
  const isError = r["isError"] === true;
  const blocks = Array.isArray(r["content"]) ? (r["content"] as unknown[]) : [];
  const pieces: Array<string | ContentPart> = [];
  for (const block of blocks) {
    const image =
      block && typeof block === "object" && (block as { type?: unknown }).type === "image"
        ? imagePart(block as Record<string, unknown>)
        : undefined;
    if (image) pieces.push(image);
    else {
      const text = contentBlockText(block);
      if (text !== "") pieces.push(text);
    }
  }
  const structured = r["structuredContent"];
  if (structured !== undefined && structured !== null) {
    const textBlocks = blocks.filter((b) => (b as { type?: unknown })?.type === "text").map((b) => (b as { text?: string }).text ?? "");
    if (!carries(textBlocks, structured)) pieces.push(JSON.stringify(structured));
  }
  if (pieces.length === 0 && "toolResult" in r) pieces.push(JSON.stringify(r["toolResult"])); // pre-2025 servers
  if (pieces.every((p) => typeof p === "string")) return { content: pieces.join("\n"), isError };
  const parts: ContentPart[] = [];
  for (const piece of pieces) {
    const last = parts.at(-1);
    if (typeof piece !== "string") parts.push(piece);
    else if (last?.type === "text") parts[parts.length - 1] = { type: "text", text: `${last.text}\n${piece}` };
    else parts.push({ type: "text", text: piece });
  }
  return { content: parts, isError };
}

/** An error thrown by a call (JSON-RPC error, timeout, transport failure) as tool result text. */
export function callErrorText(server: string, tool: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Error from MCP server "${server}" calling ${tool}: ${message}`;
}
