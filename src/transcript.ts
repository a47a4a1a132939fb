/**
 * The provider-neutral transcript. Every provider adapter converts it to and from its wire
 * format; the supervisor owns it and hands it from model to model.
 */

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
  content: string;
}

export interface AssistantMessage {
  role: "assistant";
  content: string;
  toolCalls?: ToolCall[];
  /** Which model wrote it (`provider/model`) and provider-only parts. */
  meta?: { model?: string; providerParts?: ProviderPart[] };
}

export interface ToolMessage {
  role: "tool";
  toolCallId: string;
  name: string;
  content: string;
  isError?: boolean;
}

export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

export function userMessage(content: string): UserMessage {
  return { role: "user", content };
}

export function toolMessage(call: Pick<ToolCall, "id" | "name">, content: string, isError = false): ToolMessage {
  return isError
    ? { role: "tool", toolCallId: call.id, name: call.name, content, isError: true }
    : { role: "tool", toolCallId: call.id, name: call.name, content };
}

/** A transcript problem, as a strict provider would report it. */
export interface TranscriptProblem {
  index: number;
  problem: string;
}

/**
 * Checks the invariants every provider enforces: each tool call answered exactly once, by a
 * tool message that follows it before the next assistant turn; no orphan or duplicate
 * results; no duplicate call ids.
 */
export function findTranscriptProblems(messages: readonly Message[]): TranscriptProblem[] {
  const problems: TranscriptProblem[] = [];
  const seenCallIds = new Set<string>();
  let open = new Map<string, number>();
  const closeOpen = (index: number) => {
    for (const [id] of open) problems.push({ index, problem: `tool call ${id} has no result` });
    open = new Map();
  };
  messages.forEach((message, index) => {
    if (message.role === "assistant") {
      closeOpen(index);
      for (const call of message.toolCalls ?? []) {
        if (seenCallIds.has(call.id)) problems.push({ index, problem: `duplicate tool call id ${call.id}` });
        seenCallIds.add(call.id);
        open.set(call.id, index);
      }
    } else if (message.role === "tool") {
      if (!open.has(message.toolCallId)) {
        problems.push({ index, problem: `tool result ${message.toolCallId} answers no open tool call` });
      } else {
        open.delete(message.toolCallId);
      }
    } else {
      closeOpen(index);
    }
  });
  closeOpen(messages.length);
  return problems;
}

export interface RepairOptions {
  /** Provider of the model that will read the transcript; other providers' parts are dropped. */
  receiverProvider?: string;
  /** Content given to a tool call that has no result. */
  missingResult?: string;
}

/**
 * Makes a transcript valid for the next reader: every tool call answered exactly once
 * (a missing result gets an error result), orphan and duplicate results dropped, duplicate
 * call ids renamed, provider-only parts dropped unless the receiver is the same provider.
 * Returns the same array when nothing needed to change.
 */
export function repairTranscript(messages: readonly Message[], options: RepairOptions = {}): Message[] {
  const missing = options.missingResult ?? "No result: the call was interrupted.";
  const out: Message[] = [];
  const usedIds = new Set<string>();
  let changed = false;
  // Results still owed by the latest assistant turn, by (possibly renamed) id.
  let owed = new Map<string, ToolCall>();
  let renames = new Map<string, string>();
  const settle = () => {
    for (const call of owed.values()) {
      out.push(toolMessage(call, missing, true));
      changed = true;
    }
    owed = new Map();
  };
  for (const message of messages) {
    if (message.role === "assistant") {
      settle();
      renames = new Map();
      let next: AssistantMessage = message;
      if (message.toolCalls?.length) {
        const calls = message.toolCalls.map((call) => {
          if (!usedIds.has(call.id) && !renames.has(call.id)) return call;
          let n = 2;
          while (usedIds.has(`${call.id}_${n}`)) n++;
          const id = `${call.id}_${n}`;
          renames.set(call.id, id);
          changed = true;
          return { ...call, id };
        });
        for (const call of calls) {
          usedIds.add(call.id);
          owed.set(call.id, call);
        }
        if (calls.some((call, i) => call !== message.toolCalls?.[i])) next = { ...next, toolCalls: calls };
      }
      const parts = message.meta?.providerParts;
      if (parts?.length && options.receiverProvider !== undefined) {
        const kept = parts.filter((part) => part.provider === options.receiverProvider);
        if (kept.length !== parts.length) {
          next = { ...next, meta: { ...next.meta, providerParts: kept } };
          changed = true;
        }
      }
      out.push(next);
    } else if (message.role === "tool") {
      const id = renames.get(message.toolCallId) ?? message.toolCallId;
      if (owed.has(id)) {
        owed.delete(id);
        out.push(id === message.toolCallId ? message : { ...message, toolCallId: id });
        if (id !== message.toolCallId) changed = true;
      } else {
        changed = true; // orphan or duplicate result: dropped
      }
    } else {
      settle();
      out.push(message);
    }
  }
  settle();
  return changed ? out : (messages as Message[]);
}

/** The text of the last assistant message, or "" when there is none. */
export function lastAssistantText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "assistant") return message.content;
  }
  return "";
}
