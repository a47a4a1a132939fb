/**
 * MCP tools through the Runner: a scripted team uses server-everything before and after a
 * handoff (one shared service actor), and the server's sampling request is answered by the
 * team's first model.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Runner } from "../../src/index.js";
import type { SimRequest } from "../../src/sim/index.js";
import { EVERYTHING, NODE } from "./harness.js";

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

const SAMPLING_PROMPT = "You are a helpful test server.";
const sawTool = (request: SimRequest, name: string) => request.messages.some((m) => m.role === "tool" && m.name === name);
const everything = { command: NODE, args: [EVERYTHING, "stdio"] };

describe("MCP tools in a handoff run", () => {
  it("calls an MCP tool before and after the handoff, and answers sampling with the team's model", async () => {
    const samplingRequests: SimRequest[] = [];
    runner = new Runner({
      providers: {
        sim: {
          scripts: {
            researcher: (request) => {
              if (request.system === SAMPLING_PROMPT) {
                samplingRequests.push(request);
                return { text: "a sampled haiku" };
              }
              if (!sawTool(request, "echo")) return { toolCalls: [{ name: "echo", args: { message: "before the handoff" } }] };
              return { text: "Found it.", handoff: { to: "sim/writer", reason: "writing", task: "Add the numbers and write" } };
            },
            writer: (request) => {
              if (!sawTool(request, "get-sum")) {
                return {
                  toolCalls: [
                    { name: "get-sum", args: { a: 2, b: 3 } },
                    { name: "trigger-sampling-request", args: { prompt: "a haiku about handoffs", maxTokens: 30 } },
                  ],
                };
              }
              return { text: "The sum is 5." };
            },
          },
        },
      },
    });
    const result = await runner.run({
      input: "Echo something, then hand off and add two numbers",
      model: ["sim/researcher", "sim/writer"],
      mcpServers: [everything],
    });
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("The sum is 5.");
    expect(result.handoffs).toMatchObject([{ from: "sim/researcher", to: "sim/writer" }]);

    const calls = result.steps.flatMap((s) => s.toolCalls.map((c) => ({ model: s.model, ...c })));
    expect(calls.find((c) => c.name === "echo")).toMatchObject({
      model: "sim/researcher",
      result: "Echo: before the handoff",
      isError: false,
    });
    expect(calls.find((c) => c.name === "get-sum")).toMatchObject({ model: "sim/writer", isError: false });
    // Durations are measured with the high-resolution clock, not whole milliseconds.
    const mcpCalls = calls.filter((c) => !c.name.startsWith("transfer_to_"));
    expect(mcpCalls.map((c) => Number.isInteger(c.ms))).toEqual(mcpCalls.map(() => false));
    expect(calls.find((c) => c.name === "get-sum")?.result).toContain("5");
    const sampled = calls.find((c) => c.name === "trigger-sampling-request");
    expect(sampled).toMatchObject({ model: "sim/writer", isError: false });
    expect(sampled?.result).toContain("a sampled haiku");
    expect(samplingRequests).toHaveLength(1);
    expect(JSON.stringify(samplingRequests[0]!.messages)).toContain("a haiku about handoffs");
    expect(runner.mcpStatus()).toEqual({ everything: "ready" });

    // A second run on the same Runner reuses the running server.
    const again = await runner.run({ input: "Echo again", model: ["sim/researcher", "sim/writer"], mcpServers: [everything] });
    expect(again.status).toBe("completed");
    expect(runner.mcpStatus()).toEqual({ everything: "ready" });
    await runner.close();
    expect(runner.mcpStatus()).toEqual({ everything: "stopped" });
  });
});
