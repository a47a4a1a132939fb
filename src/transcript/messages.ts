/**
 * The provider-neutral transcript: system, user, assistant and tool messages. Every provider
 * adapter converts it to and from its wire format; the supervisor owns it and hands it from
 * agent to agent. Plain data throughout (it goes into checkpoints and snapshots).
 */

/** Plain text. */
export interface TextPart {
  type: "text";
  text: string;
}

/** An image by URL, or inline as base64 `data` with its `mediaType` (`image/png`, `image/jpeg`, `image/gif`, `image/webp`). */
export type ImagePart = { type: "image"; url: string; mediaType?: string } | { type: "image"; data: string; mediaType: string };

/** A document (PDF): inline base64 `data` with `mediaType: "application/pdf"`, or a URL. */
export type FilePart =
  | { type: "file"; data: string; mediaType: string; name?: string }
  | { type: "file"; url: string; mediaType: string; name?: string };

export type ContentPart = TextPart | ImagePart | FilePart;

/** What a user message or a tool result holds: text, or a list of parts. */
export type Content = string | ContentPart[];

export interface ToolCall {
  /** Unique within a transcript. Adapters remap where a provider demands a shape. */
  id: string;
  name: string;
  /** Parsed arguments. Malformed JSON from a model is kept as `{}` with `argsError` set. */
  args: Record<string, unknown>;
  /** Set when the model's argument text was not valid JSON; the call is answered with an error. */
  argsError?: string;
}

/** Provider-only content (reasoning, signatures) kept only for the same provider. */
export interface ProviderPart {
  provider: string;
  kind: string;
  data: unknown;
}

export interface SystemMessage {
  role: "system";
  content: string;
}

export interface UserMessage {
  role: "user";
  content: Content;
}

export interface AssistantMessage {
  role: "assistant";
  content: string;
  toolCalls?: ToolCall[];
  /** Who wrote it: the agent and its model (`provider/model`), and provider-only parts. */
  meta?: { model?: string; agent?: string; providerParts?: ProviderPart[] };
}

export interface ToolMessage {
  role: "tool";
  toolCallId: string;
  name: string;
  content: Content;
  isError?: boolean;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export function userMessage(content: Content): UserMessage {
  return { role: "user", content };
}

export function toolMessage(call: Pick<ToolCall, "id" | "name">, content: Content, isError = false): ToolMessage {
  return isError
    ? { role: "tool", toolCallId: call.id, name: call.name, content, isError: true }
    : { role: "tool", toolCallId: call.id, name: call.name, content };
}
