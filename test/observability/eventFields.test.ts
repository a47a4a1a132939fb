/**
 * The event fields spans and viewers need, as a stream's listeners get them: the model call's
 * own time and the provider's response model and id on step.finished, the MCP server on tool
 * events of MCP tools, the agent asked on a delegation's tool.called.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type RunEvent, Runner, type RunOptions } from "../../src/index.js";
import type { SimRequest, SimScript } from "../../src/sim/index.js";
import { type SimServer, startSimServer } from "../../src/sim/index.js";
import { EVERYTHING, NODE } from "../mcp/harness.js";
import { EVENT_NAMES, TEAM_RUN, TEAM_SCRIPTS } from "./support.js";

let runner: Runner | undefined;
let server: SimServer | undefined;
afterEach(async () => {
  await runner?.close();
  await server?.close();
  runner = undefined;
  server = undefined;
});

async function streamed(options: RunOptions, runnerOptions: ConstructorParameters<typeof Runner>[0]): Promise<RunEvent[]> {
  runner = new Runner({ retry: { baseDelayMs: 5, maxDelayMs: 20 }, ...runnerOptions });
  const events: RunEvent[] = [];
  const stream = runner.stream(options);
  for (const name of EVENT_NAMES) stream.on(name, ((e: RunEvent) => void events.push(e)) as never);
  await stream.result;
  return events;
}

const ofType = <T extends RunEvent["type"]>(events: RunEvent[], type: T) =>
  events.filter((e): e is Extract<RunEvent, { type: T }> => e.type === type);

describe("event fields for observers", () => {
  it("tool events say where a call went: local tools, a delegation to its agent; step.finished has the model's own time", async () => {
    const events = await streamed(TEAM_RUN, { providers: { sim: { scripts: TEAM_SCRIPTS } } });
    const called = ofType(events, "tool.called");
    const lookup = called.find((e) => e.name === "lookup")!;
    expect(lookup).toMatchObject({ source: "local" });
    expect(lookup.mcpServer).toBeUndefined();
    expect(lookup.delegateTo).toBeUndefined();
    expect(called.find((e) => e.name === "ask_sim_researcher")).toMatchObject({ source: "agent", delegateTo: "sim/researcher" });
    const results = ofType(events, "tool.result");
    expect(results.find((e) => e.name === "ask_sim_researcher")).toMatchObject({ source: "agent", delegateTo: "sim/researcher" });

    const finished = ofType(events, "step.finished");
    expect(finished).toHaveLength(4);
    for (const step of finished) {
      expect(typeof step.modelMs).toBe("number");
      // The model's part of the step: never more than the whole step (which adds the tool calls).
      expect(step.modelMs!).toBeLessThanOrEqual(step.record.ms);
      // The sim provider names no response model.
      expect(step.responseModel).toBeUndefined();
    }
  });

  it("tool events of an MCP tool name its server", async () => {
    const scripts: Record<string, SimScript> = {
      a: (request: SimRequest) =>
        request.messages.some((m) => m.role === "tool") ? { text: "echoed" } : { toolCalls: [{ name: "echo", args: { message: "hi" } }] },
    };
    const events = await streamed(
      { input: "echo hi", model: "sim/a", mcpServers: [{ command: NODE, args: [EVERYTHING, "stdio"], name: "everything" }] },
      { providers: { sim: { scripts } } },
    );
    expect(ofType(events, "tool.called")[0]).toMatchObject({ name: "echo", source: "everything", mcpServer: "everything" });
    expect(ofType(events, "tool.result")[0]).toMatchObject({ name: "echo", mcpServer: "everything", isError: false });
  });

  it("step.finished carries the model and response id the provider answered with (real SDKs on the sim server)", async () => {
    server = await startSimServer({ scripts: { "gpt-4o-mini": [{ text: "Hello." }] } });
    const events = await streamed(
      { input: "hi", model: "openai/gpt-4o-mini" },
      { providers: { openai: { apiKey: "sk-test-0123456789abcdef", baseURL: server.openaiBaseURL } } },
    );
    const [step] = ofType(events, "step.finished");
    expect(step).toMatchObject({ responseModel: "gpt-4o-mini", responseId: expect.stringMatching(/^chatcmpl-sim-\d+$/) });
  });
});
