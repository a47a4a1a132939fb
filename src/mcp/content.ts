/**
 * MCP tool results as the text a model reads: text content joined, structured content as JSON
 * (unless the text blocks already carry it: the same JSON, or every value of it), images, audio
 * and resources summarised.
 */

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

/** The text of a `tools/call` result and whether the server marked it as an error. */
export function toolResultText(result: unknown): { content: string; isError: boolean } {
  if (!result || typeof result !== "object") return { content: String(result ?? ""), isError: false };
  const r = result as Record<string, unknown>;
  const isError = r["isError"] === true;
  const blocks = Array.isArray(r["content"]) ? (r["content"] as unknown[]) : [];
  const parts = blocks.map(contentBlockText).filter((t) => t !== "");
  const structured = r["structuredContent"];
  if (structured !== undefined && structured !== null) {
    const textBlocks = blocks.filter((b) => (b as { type?: unknown })?.type === "text").map((b) => (b as { text?: string }).text ?? "");
    if (!carries(textBlocks, structured)) parts.push(JSON.stringify(structured));
  }
  if (parts.length === 0 && "toolResult" in r) parts.push(JSON.stringify(r["toolResult"])); // pre-2025 servers
  return { content: parts.join("\n"), isError };
}

/** An error thrown by a call (JSON-RPC error, timeout, transport failure) as tool result text. */
export function callErrorText(server: string, tool: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `Error from MCP server "${server}" calling ${tool}: ${message}`;
}
