/**
 * (c) `@openai/agents` 0.20 with a handoff: the researcher on the SDK's own OpenAI provider in
 * Chat Completions mode (`useResponses: false`, its own `openai` 7 client pointed at the server),
 * the writer on Anthropic Messages through the AI SDK adapter (`@openai/agents-extensions` 0.18,
 * the newest, + `@ai-sdk/anthropic`). The adapter takes its spans and Usage from the installed
 * `@openai/agents` (a peer dependency); its own pinned agents-core 0.18 copy only lends it a
 * usage helper. Tracing is off (it would export).
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool, user } from "@openai/agents";
import { aisdk } from "@openai/agents-extensions/ai-sdk";
import { z } from "zod";
import { history, INPUT, INSTRUCTIONS, lookup, RESEARCH_MODEL, TOOL_DESCRIPTION, TOOL_NAME, WRITER_MODEL } from "../scenario.js";
import { API_KEY, type Factory, type StreamOutcome } from "./types.js";

export const createOpenAIAgents: Factory = async (endpoints, options = {}) => {
  setTracingDisabled(true);
  const anthropic = createAnthropic({ apiKey: API_KEY, baseURL: `${endpoints.anthropicBaseURL}/v1` });
  const lookupTool = tool({
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    parameters: z.object({ topic: z.string() }),
    execute: async ({ topic }) => lookup(topic),
  });
  const writer = new Agent({ name: "writer", instructions: INSTRUCTIONS, model: aisdk(anthropic(WRITER_MODEL)), tools: [lookupTool] });
  const researcher = new Agent({
    name: "researcher",
    instructions: INSTRUCTIONS,
    model: RESEARCH_MODEL,
    tools: [lookupTool],
    handoffs: [writer],
  });
  const modelProvider = new OpenAIProvider({ apiKey: API_KEY, baseURL: endpoints.openaiBaseURL, useResponses: false });
  const runner = new Runner({ modelProvider, tracingDisabled: true });
  const earlier = history(options.history ?? 0);
  const input = () =>
    earlier.length
      ? [
          ...earlier.map((m) =>
            m.role === "user"
              ? user(m.content)
              : {
                  type: "message" as const,
                  role: "assistant" as const,
                  status: "completed" as const,
                  content: [{ type: "output_text" as const, text: m.content }],
                },
          ),
          user(INPUT),
        ]
      : INPUT;

  async function runOnce(): Promise<string> {
    const result = await runner.run(researcher, input(), { maxTurns: 10 });
    return String(result.finalOutput ?? "");
  }

  async function stream(): Promise<StreamOutcome> {
    const started = performance.now();
    let firstDeltaMs = Number.NaN;
    const result = await runner.run(researcher, input(), { maxTurns: 10, stream: true });
    for await (const event of result) {
      if (event.type === "raw_model_stream_event" && event.data.type === "output_text_delta" && Number.isNaN(firstDeltaMs)) {
        firstDeltaMs = performance.now() - started;
      }
    }
    await result.completed;
    return { firstDeltaMs, answer: String(result.finalOutput ?? "") };
  }

  return { name: "@openai/agents 0.20", runOnce, stream, close: () => modelProvider.close() };
};
