/**
 * A worker process for `npm run bench -- --redis`: the team "bench" on a sim model (one tool
 * call, then the answer; LATENCY_MS per model call), working until SIGTERM.
 *
 *   REDIS_URL=… BATON_PREFIX=… LATENCY_MS=50 CONCURRENCY=50 node --import tsx bench/redisWorker.ts
 */
import { z } from "zod";
import { defineTool, Runner, redisEngine } from "../src/index.js";
import type { SimRequest, SimTurn } from "../src/sim/index.js";

const latencyMs = Number(process.env.LATENCY_MS ?? 50);

export const lookup = defineTool({
  name: "lookup",
  description: "Looks a fact up",
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => `fact about ${q}`,
});

export const benchScript =
  (latency: number) =>
  (request: SimRequest): SimTurn =>
    request.messages.some((m) => m.role === "tool")
      ? { text: "Done.", ...(latency ? { latencyMs: latency } : {}) }
      : { toolCalls: [{ name: "lookup", args: { q: "x" } }], ...(latency ? { latencyMs: latency } : {}) };

if (process.env.BATON_PREFIX) {
  const worker = new Runner({
    providers: { sim: { scripts: { bench: benchScript(latencyMs) } } },
    engine: redisEngine({ url: process.env.REDIS_URL!, prefix: process.env.BATON_PREFIX }),
  });
  worker.define("bench", { model: "sim/bench", tools: [lookup] });
  process.on("SIGTERM", () => void worker.close());
  const working = worker.work({ concurrency: Number(process.env.CONCURRENCY ?? 50) });
  process.stdout.write("working\n");
  await working;
}
