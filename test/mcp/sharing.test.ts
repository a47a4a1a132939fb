/** One MCP service actor per server for the Runner's life, shared by every run and team on it. */
import { afterEach, describe, expect, it } from "vitest";
import { contentText, Runner } from "../../src/index.js";
import { EVERYTHING, NODE } from "./harness.js";

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

describe("shared MCP services", () => {
  it("many teams at once and later runs share one service actor: only the first run spawns", async () => {
    const spawned: string[] = [];
    runner = new Runner({
      inspect: (e) => {
        // Root children are spawned with id = systemId (the systemId is registered just after this event).
        const id = e.type === "@xstate.actor" ? (e.actorRef as { id?: string }).id : undefined;
        if (id?.startsWith("mcp:")) spawned.push(id);
      },
      providers: {
        sim: {
          scripts: {
            a: (req) =>
              req.messages.some((m) => m.role === "tool")
                ? { text: contentText(req.messages.find((m) => m.role === "tool")!.content) }
                : { toolCalls: [{ name: "echo", args: { message: contentText(req.messages[0]!.content) } }] },
          },
        },
      },
    });
    const spec = { command: NODE, args: [EVERYTHING, "stdio"] };
    const teams = Array.from({ length: 5 }, () => runner!.team({ model: "sim/a", mcpServers: [spec] }));
    const results = await Promise.all(teams.map((team, i) => team.run(`team ${i}`)));
    expect(results.map((r) => r.finalOutput)).toEqual([0, 1, 2, 3, 4].map((i) => `Echo: team ${i}`));
    expect(spawned).toEqual(["mcp:everything"]);

    const later = await runner.run({ input: "later", model: "sim/a", mcpServers: [spec] });
    expect(later.finalOutput).toBe("Echo: later");
    expect(spawned).toEqual(["mcp:everything"]);
    expect(runner.mcpStatus()).toEqual({ everything: "ready" });
  });
});
