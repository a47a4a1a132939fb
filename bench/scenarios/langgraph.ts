/**
 * (d) `@langchain/langgraph-swarm`: two prebuilt ReAct agents (`createReactAgent`, the agent the
 * swarm package supports) with handoff tools, on `ChatOpenAI` and `ChatAnthropic` pointed at the
 * server. No checkpointer: every invoke is a fresh conversation, like the other implementations.
 */
import { ChatAnthropic } from "@langchain/anthropic";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { createHandoffTool, createSwarm } from "@langchain/langgraph-swarm";
import { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";
import { history, INPUT, INSTRUCTIONS, lookup, RESEARCH_MODEL, TOOL_DESCRIPTION, TOOL_NAME, WRITER_MODEL } from "../scenario.js";
import { API_KEY, type Factory, type StreamOutcome } from "./types.js";

function text(message: BaseMessage | undefined): string {
  if (!message) return "";
  const content = message.content;
  if (typeof content === "string") return content;
  return content.map((part) => (typeof part === "object" && part.type === "text" ? String(part.text) : "")).join("");
}

export const createLangGraph: Factory = async (endpoints, options = {}) => {
  const openai = new ChatOpenAI({
    model: RESEARCH_MODEL,
    apiKey: API_KEY,
    configuration: { baseURL: endpoints.openaiBaseURL },
    maxRetries: 0,
  });
  const anthropic = new ChatAnthropic({ model: WRITER_MODEL, apiKey: API_KEY, anthropicApiUrl: endpoints.anthropicBaseURL, maxRetries: 0 });
  const lookupTool = tool(async ({ topic }: { topic: string }) => lookup(topic), {
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    schema: z.object({ topic: z.string() }),
  });
  const researcher = createReactAgent({
    llm: openai,
    tools: [lookupTool, createHandoffTool({ agentName: "writer", description: "Hand the task to the writer." })],
    name: "researcher",
    prompt: INSTRUCTIONS,
  });
  const writer = createReactAgent({
    llm: anthropic,
    tools: [lookupTool, createHandoffTool({ agentName: "researcher", description: "Hand the task to the researcher." })],
    name: "writer",
    prompt: INSTRUCTIONS,
  });
  const app = createSwarm({ agents: [researcher, writer], defaultActiveAgent: "researcher" }).compile();
  const earlier = history(options.history ?? 0);
  const input = () => ({ messages: [...earlier, { role: "user" as const, content: INPUT }] });

  async function runOnce(): Promise<string> {
    const state = await app.invoke(input(), { recursionLimit: 25 });
    return text(state.messages.at(-1));
  }

  async function stream(): Promise<StreamOutcome> {
    const started = performance.now();
    let firstDeltaMs = Number.NaN;
    let answer = "";
    const chunks = await app.stream(input(), { streamMode: "messages", subgraphs: true, recursionLimit: 25 });
    for await (const [, [chunk, metadata]] of chunks) {
      if (!(chunk instanceof AIMessageChunk) || (metadata as { langgraph_node?: string }).langgraph_node === undefined) continue;
      const piece = text(chunk);
      if (!piece) continue;
      if (Number.isNaN(firstDeltaMs)) firstDeltaMs = performance.now() - started;
      answer += piece;
    }
    return { firstDeltaMs, answer };
  }

  return { name: "langgraph-swarm", runOnce, stream, close: async () => undefined };
};
