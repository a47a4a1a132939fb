/**
 * Issues 13 and 15 through the public API, as far as today's core allows: runs on real adapters
 * against the strict, schema-checked sim server. A policy that removes every tool after a tool
 * call, earlier `messages` with tool calls and no tools, a tool that returns only whitespace, and
 * images in the history carried across a handoff in each direction.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type Message, Runner } from "../../src/index.js";
import { EMPTY_TOOL_RESULT } from "../../src/providers/content.js";
import type { SimRequest, SimServer, SimTurn } from "../../src/sim/index.js";
import { checkedBodies, startCheckedSimServer } from "../support/checkedSimServer.js";
import { JPEG, PNG } from "./support.js";

const OPENAI = "openai/gpt-4o-mini";
const ANTHROPIC = "anthropic/claude-sonnet-4-20250514";
const wire = (id: string) => id.slice(id.indexOf("/") + 1);

let server: SimServer;
let runner: Runner | undefined;
/** Each model's script for the current test, and every request it saw. */
const scripts = new Map<string, (request: SimRequest) => SimTurn>();
const seen: SimRequest[] = [];

beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      seen.push(request);
      const script = scripts.get(request.model);
      if (!script) throw new Error(`no script for ${request.model}`);
      return script(request);
    },
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  server.reset();
  scripts.clear();
  seen.length = 0;
});

function newRunner(): Runner {
  runner = new Runner({
    env: {},
    providers: {
      openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
      anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
    },
  });
  return runner;
}

const search = defineTool({
  name: "search",
  description: "Search the web",
  parameters: z.object({ query: z.string() }),
  execute: async ({ query }) => `3 results for ${query}`,
});

const blankTool = defineTool({
  name: "lookup",
  description: "Looks something up",
  parameters: z.object({}),
  execute: async () => "   \n  ",
});

/** The request bodies the server answered, in order. */
function bodies(): Array<Record<string, unknown>> {
  return server.requests.map((r) => r.body as Record<string, unknown>);
}

describe("a model with no tools to offer reads a history with tool calls", () => {
  for (const model of [OPENAI, ANTHROPIC]) {
    for (const streaming of [false, true]) {
      it(`${model}${streaming ? " (streamed)" : ""}: a policy returns tools: [] after a tool call`, async () => {
        scripts.set(wire(model), (request) =>
          request.callIndex === 0 ? { toolCalls: [{ name: "search", args: { query: "launch" } }] } : { text: "Written from the results." },
        );
        const options = {
          input: "Research, then write.",
          model,
          tools: [search],
          policy: ({ step }: { step: number }) => (step > 1 ? { tools: [] } : {}),
        };
        const result = streaming ? await newRunner().stream(options).result : await newRunner().run(options);
        expect(result.status).toBe("completed");
        expect(result.finalOutput).toBe("Written from the results.");
        expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
        expect(seen[1]?.messages.some((m) => m.role === "tool")).toBe(true);
        const second = bodies()[1]!;
        if (model === ANTHROPIC) {
          // Defined so the history is valid, and not callable.
          expect((second.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(["search"]);
          expect(second.tool_choice).toEqual({ type: "none" });
        } else {
          expect(second.tools).toBeUndefined();
        }
      });
    }

    it(`${model}: earlier messages with tool calls, and a run without tools`, async () => {
      scripts.set(wire(model), () => ({ text: "Continuing from the history." }));
      const messages: Message[] = [
        { role: "user", content: "Find the launch date." },
        { role: "assistant", content: "", toolCalls: [{ id: "call_old", name: "search", args: { query: "launch" } }] },
        { role: "tool", toolCallId: "call_old", name: "search", content: "June 3" },
        { role: "assistant", content: "It is June 3." },
      ];
      const result = await newRunner().run({ input: "Write a post about it.", model, messages });
      expect(result.finalOutput).toBe("Continuing from the history.");
      expect(server.requests.map((r) => r.status)).toEqual([200]);
      expect(seen[0]?.messages.find((m) => m.role === "tool")).toMatchObject({ toolCallId: "call_old", content: "June 3" });
    });

    it(`${model}: a tool that returns only whitespace is read as a placeholder`, async () => {
      scripts.set(wire(model), (request) =>
        request.callIndex === 0 ? { toolCalls: [{ name: "lookup", args: {} }] } : { text: "Nothing found." },
      );
      const result = await newRunner().run({ input: "Look it up.", model, tools: [blankTool] });
      expect(result.finalOutput).toBe("Nothing found.");
      expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
      expect(seen[1]?.messages.find((m) => m.role === "tool")?.content).toBe(EMPTY_TOOL_RESULT);
    });
  }
});

describe("images in the history cross a handoff", () => {
  const history: Message[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "Here is the screenshot." },
        { type: "image", data: PNG, mediaType: "image/png" },
      ],
    },
    { role: "assistant", content: "", toolCalls: [{ id: "call_zoom", name: "zoom", args: { area: "top" } }] },
    {
      role: "tool",
      toolCallId: "call_zoom",
      name: "zoom",
      content: [
        { type: "text", text: "Zoomed." },
        { type: "image", data: JPEG, mediaType: "image/jpeg" },
      ],
    },
    { role: "assistant", content: "I have both images." },
  ];

  const pairs: Array<[string, string]> = [
    [OPENAI, ANTHROPIC],
    [ANTHROPIC, OPENAI],
  ];
  for (const [from, to] of pairs) {
    for (const streaming of [false, true]) {
      it(`${from} → ${to}${streaming ? " (streamed)" : ""}: the receiver sees both images`, async () => {
        scripts.set(wire(from), () => ({ text: "Handing over.", handoff: { to, reason: "vision", task: "Describe the images" } }));
        scripts.set(wire(to), () => ({ text: "A rocket, twice." }));
        const options = { input: "What is in these?", model: [from, to], messages: history };
        const result = streaming ? await newRunner().stream(options).result : await newRunner().run(options);
        expect(result.status).toBe("completed");
        expect(result.finalOutput).toBe("A rocket, twice.");
        expect(result.handoffs).toMatchObject([{ from, to }]);
        expect(server.requests.map((r) => r.status)).toEqual([200, 200]);
        for (const request of seen) {
          const parts = request.messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content));
          expect(parts).toContainEqual({ type: "image", data: PNG, mediaType: "image/png" });
          expect(parts).toContainEqual({ type: "image", data: JPEG, mediaType: "image/jpeg" });
        }
        expect(seen.map((r) => r.model)).toEqual([wire(from), wire(to)]);
        expect(checkedBodies(server)).toBeGreaterThanOrEqual(2);
      });
    }
  }
});
