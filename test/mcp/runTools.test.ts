/**
 * runner.run keeps idle teams for later runs, but not teams with MCP servers: a team keeps the
 * tool list it started with, and each new run must be offered the server's current tools.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { contentText, type SimRequest } from "../../src/sim/index.js";
import { simRunners } from "../support/simRunner.js";
import { NODE } from "./harness.js";

const PROBE = path.join(import.meta.dirname, "fixtures/probeServer.mjs");
const simRunner = simRunners();

describe("MCP tools across runs", () => {
  it("a tool the server added during one run is offered to the next run", async () => {
    const offered: string[][] = [];
    const runner = simRunner({
      a: (request: SimRequest) => {
        const names = request.tools.map((t) => t.name);
        const last = request.messages.at(-1);
        if (last?.role === "tool") return { text: contentText(last.content) };
        offered.push(names);
        if (names.includes("late_tool")) return { toolCalls: [{ name: "late_tool" }] };
        return { toolCalls: [{ name: "add_tool", args: { name: "late.tool", reply: "added later" } }] };
      },
    });
    const spec = { command: NODE, args: [PROBE], env: { PROBE_LOG: "/dev/null" }, name: "probe" };
    const first = await runner.run({ input: "go", model: "sim/a", mcpServers: [spec] });
    expect(first.finalOutput).toBe("added late.tool");
    // The server's notifications/tools/list_changed arrives on its own time: retry briefly.
    let output = "";
    const deadline = performance.now() + 5_000;
    while (output !== "added later" && performance.now() < deadline) {
      output = (await runner.run({ input: "go", model: "sim/a", mcpServers: [spec] })).finalOutput;
      if (output !== "added later") await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(output).toBe("added later");
    expect(offered.at(-1)).toEqual(["wait", "add_tool", "late_tool"]);
  });
});
