/** The default store's bound: the last `maxRuns` finished runs are kept; an interrupted run never goes. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, memoryStore, Runner } from "../../src/index.js";

describe("memoryStore", () => {
  it("keeps the last maxRuns finished runs and every interrupted one", async () => {
    const ask = defineTool({ name: "ask", description: "needs a yes", parameters: z.object({}), needsApproval: true, execute: () => "ok" });
    const runner = new Runner({
      store: memoryStore({ maxRuns: 2 }),
      providers: {
        sim: {
          scripts: {
            plain: () => ({ text: "done" }),
            asking: (req) => (req.messages.some((m) => m.role === "tool") ? { text: "asked" } : { toolCalls: [{ name: "ask", args: {} }] }),
          },
        },
      },
    });
    try {
      runner.define("asking", { model: "sim/asking", tools: [ask] });
      const waiting = await runner.run({ team: "asking", input: "go" });
      expect(waiting.status).toBe("interrupted");
      const done = [];
      for (let i = 0; i < 3; i++) done.push(await runner.run({ input: `run ${i}`, model: "sim/plain" }));
      // The oldest finished run is gone; the newer ones and the interrupted one are kept.
      await expect(runner.resume(done[0]!.runId)).rejects.toMatchObject({ code: "RESUME_MISMATCH" });
      expect(await runner.resume(done[2]!.runId)).toMatchObject({ runId: done[2]!.runId, finalOutput: "done" });
      expect((await runner.unfinishedRuns()).map((r) => r.runId)).toEqual([waiting.runId]);
      expect(await runner.resume(waiting.runId, { approve: [waiting.interruptions![0]!.id] })).toMatchObject({ finalOutput: "asked" });
    } finally {
      await runner.close();
    }
  });

  it("keeps an ended run as its start and its end record: resume still returns its result", async () => {
    const store = memoryStore();
    const runner = new Runner({ store, providers: { sim: { scripts: { plain: () => ({ text: "done" }) } } } });
    try {
      const result = await runner.run({ input: "go", model: "sim/plain", messages: [{ role: "user", content: "earlier" }] });
      const records = (await store.load(result.runId))!;
      expect(records.map((r) => r.kind)).toEqual(["started", "finished"]);
      expect(records[0]).toMatchObject({ runId: result.runId, messages: [], transcript: [] });
      expect(await runner.resume(result.runId)).toEqual(result);
      await expect(runner.cancel(result.runId)).resolves.toBeUndefined();
      expect(await runner.unfinishedRuns()).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});
