/**
 * (a) The floor: the official `openai` and `@anthropic-ai/sdk` clients in a hand-written loop.
 * The researcher runs on Chat Completions with `lookup` and a `transfer_to_writer` tool; on the
 * handoff the transcript is converted to Anthropic Messages and the writer answers.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { history, INPUT, INSTRUCTIONS, lookup, RESEARCH_MODEL, TOOL_DESCRIPTION, TOOL_NAME, WRITER_MODEL } from "../scenario.js";
import { API_KEY, type Factory, type StreamOutcome } from "./types.js";

const TRANSFER = "transfer_to_writer";
const MAX_STEPS = 10;
const TOPIC_SCHEMA = { type: "object", properties: { topic: { type: "string" } }, required: ["topic"], additionalProperties: false };

const OPENAI_TOOLS: ChatCompletionTool[] = [
  { type: "function", function: { name: TOOL_NAME, description: TOOL_DESCRIPTION, parameters: TOPIC_SCHEMA } },
  {
    type: "function",
    function: { name: TRANSFER, description: "Hand the task to the writer.", parameters: { type: "object", properties: {} } },
  },
];
const ANTHROPIC_TOOLS: Anthropic.Tool[] = [
  { name: TOOL_NAME, description: TOOL_DESCRIPTION, input_schema: TOPIC_SCHEMA as Anthropic.Tool.InputSchema },
];

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** The OpenAI transcript as Anthropic messages: tool calls → tool_use, tool results → one user turn of tool_result. */
function toAnthropic(messages: readonly ChatCompletionMessageParam[]): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const message of messages) {
    if (message.role === "user") out.push({ role: "user", content: message.content as string });
    else if (message.role === "assistant") {
      const blocks: Anthropic.ContentBlockParam[] = [];
      if (typeof message.content === "string" && message.content) blocks.push({ type: "text", text: message.content });
      for (const call of (message.tool_calls ?? []) as ChatCompletionMessageFunctionToolCall[]) {
        blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments || "{}") });
      }
      out.push({ role: "assistant", content: blocks.length === 1 && blocks[0]!.type === "text" ? (message.content as string) : blocks });
    } else if (message.role === "tool") {
      const block: Anthropic.ToolResultBlockParam = {
        type: "tool_result",
        tool_use_id: message.tool_call_id,
        content: message.content as string,
      };
      const last = out.at(-1);
      if (last?.role === "user" && Array.isArray(last.content)) last.content.push(block);
      else out.push({ role: "user", content: [block] });
    }
  }
  return out;
}

/** The writer's request: the researcher's transcript (system prompt aside) in Anthropic's shape. */
function writerParams(messages: readonly ChatCompletionMessageParam[]): Anthropic.MessageCreateParamsNonStreaming {
  return { model: WRITER_MODEL, max_tokens: 1024, system: INSTRUCTIONS, messages: toAnthropic(messages.slice(1)), tools: ANTHROPIC_TOOLS };
}

export const createRaw: Factory = async (endpoints, options = {}) => {
  const openai = new OpenAI({ apiKey: API_KEY, baseURL: endpoints.openaiBaseURL, maxRetries: 0 });
  const anthropic = new Anthropic({ apiKey: API_KEY, baseURL: endpoints.anthropicBaseURL, maxRetries: 0 });
  const earlier = history(options.history ?? 0);

  /** Runs the researcher's tool calls; true when it handed off. */
  function runTools(messages: ChatCompletionMessageParam[], calls: readonly ToolCall[]): boolean {
    let handoff = false;
    for (const call of calls) {
      if (call.name === TRANSFER && !handoff) {
        handoff = true;
        messages.push({ role: "tool", tool_call_id: call.id, content: "Transferred to the writer." });
      } else if (call.name === TOOL_NAME) {
        const args = JSON.parse(call.arguments) as { topic: string };
        messages.push({ role: "tool", tool_call_id: call.id, content: lookup(args.topic) });
      } else {
        messages.push({ role: "tool", tool_call_id: call.id, content: `Error: unknown tool ${call.name}.` });
      }
    }
    return handoff;
  }

  const start = (): ChatCompletionMessageParam[] => [
    { role: "system", content: INSTRUCTIONS },
    ...earlier,
    { role: "user", content: INPUT },
  ];

  async function runOnce(): Promise<string> {
    const messages = start();
    for (let step = 0; step < MAX_STEPS; step++) {
      const completion = await openai.chat.completions.create({ model: RESEARCH_MODEL, messages, tools: OPENAI_TOOLS });
      const message = completion.choices[0]!.message;
      const calls = ((message.tool_calls ?? []) as ChatCompletionMessageFunctionToolCall[]).map((c) => ({
        id: c.id,
        name: c.function.name,
        arguments: c.function.arguments,
      }));
      messages.push({ role: "assistant", content: message.content, ...(message.tool_calls ? { tool_calls: message.tool_calls } : {}) });
      if (calls.length === 0) return message.content ?? "";
      if (runTools(messages, calls)) {
        const answer = await anthropic.messages.create(writerParams(messages));
        return answer.content.map((block) => (block.type === "text" ? block.text : "")).join("");
      }
    }
    throw new Error("raw: no answer within the step limit");
  }

  async function stream(): Promise<StreamOutcome> {
    const started = performance.now();
    const messages = start();
    for (let step = 0; step < MAX_STEPS; step++) {
      const chunks = await openai.chat.completions.create({
        model: RESEARCH_MODEL,
        messages,
        tools: OPENAI_TOOLS,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      const calls: ToolCall[] = [];
      for await (const chunk of chunks) {
        const delta = chunk.choices[0]?.delta;
        if (!delta) continue;
        if (delta.content) text += delta.content;
        for (const part of delta.tool_calls ?? []) {
          const call = calls[part.index] ?? { id: "", name: "", arguments: "" };
          calls[part.index] = call;
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
        }
      }
      messages.push({
        role: "assistant",
        content: text || null,
        ...(calls.length
          ? { tool_calls: calls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      });
      if (calls.length === 0) return { firstDeltaMs: Number.NaN, answer: text };
      if (runTools(messages, calls)) {
        const events = await anthropic.messages.create({ ...writerParams(messages), stream: true });
        let firstDeltaMs = Number.NaN;
        let answer = "";
        for await (const event of events) {
          if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
            if (Number.isNaN(firstDeltaMs)) firstDeltaMs = performance.now() - started;
            answer += event.delta.text;
          }
        }
        return { firstDeltaMs, answer };
      }
    }
    throw new Error("raw: no answer within the step limit");
  }

  return { name: "raw SDKs", runOnce, stream, close: async () => undefined };
};
