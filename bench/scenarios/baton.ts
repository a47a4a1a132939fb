/** (b) baton: one Runner, `runner.run` per task (a new conversation each time, on the idle team the last run left), `runner.stream` for deltas. */
import { z } from "zod";
import { defineTool, Runner } from "../../src/index.js";
import { history, INPUT, INSTRUCTIONS, lookup, RESEARCH_MODEL, TOOL_DESCRIPTION, TOOL_NAME, WRITER_MODEL } from "../scenario.js";
import { API_KEY, type Factory, type StreamOutcome } from "./types.js";

export const createBaton: Factory = async (endpoints, options = {}) => {
  const runner = new Runner({
    providers: {
      openai: { baseURL: endpoints.openaiBaseURL, apiKey: API_KEY },
      anthropic: { baseURL: endpoints.anthropicBaseURL, apiKey: API_KEY },
    },
    env: {},
    ...(options.inspect ? { inspect: options.inspect } : {}),
  });
  const tool = defineTool({
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    parameters: z.object({ topic: z.string() }),
    execute: ({ topic }) => lookup(topic),
  });
  const earlier = history(options.history ?? 0);
  const run = {
    input: INPUT,
    model: [`openai/${RESEARCH_MODEL}`, `anthropic/${WRITER_MODEL}`],
    tools: [tool],
    instructions: INSTRUCTIONS,
    ...(earlier.length ? { messages: earlier } : {}),
    ...(options.trace ? { trace: options.trace } : {}),
  };

  async function runOnce(): Promise<string> {
    const result = await runner.run(run);
    return result.finalOutput;
  }

  async function stream(): Promise<StreamOutcome> {
    const started = performance.now();
    let firstDeltaMs = Number.NaN;
    const events = runner.stream(run);
    for await (const event of events) {
      if (event.type === "text.delta" && Number.isNaN(firstDeltaMs)) firstDeltaMs = performance.now() - started;
    }
    const result = await events.result;
    return { firstDeltaMs, answer: result.finalOutput };
  }

  return { name: "baton", runOnce, stream, close: () => runner.close() };
};
