/**
 * Simulation testing for your own team (README.simulate.md): a researcher looks facts up and
 * hands the writing on; the writer writes. 300 seeds run it under random faults on simulated
 * time, with baton's invariants and one of ours: a finished post cites the facts. The simulator
 * finds the seeds where it does not (the lookup failed and the writer wrote anyway), shrinks
 * each to the one fault that causes it, and prints the call that replays it.
 *
 *   npx tsx examples/simulate.ts
 */
import { z } from "zod";
import { defineTool } from "../src/index.js";
import { type SimReport, type SimRun, type SimulateOptions, simulate } from "../src/sim/index.js";

const lookup = defineTool({
  name: "lookup",
  description: "Look up facts",
  parameters: z.object({ topic: z.string() }),
  execute: ({ topic }) => `facts about ${topic}`,
});

export const options: SimulateOptions = {
  team: {
    agents: [
      { name: "researcher", model: "sim/researcher", tools: [lookup] },
      { name: "writer", model: "sim/writer" },
    ],
    toolTimeoutMs: 60_000,
  },
  scripts: {
    researcher: [
      { toolCalls: [{ name: "lookup", args: { topic: "the launch" } }] },
      { handoff: { to: "writer", reason: "facts found", task: "Write the post" } },
    ],
    // The writer uses what the lookup returned, whatever it was: the bug this example finds.
    writer: (request) => {
      const facts = request.messages.find((m) => m.role === "tool")?.content;
      return { text: `Post: ${typeof facts === "string" ? facts : "(no facts)"}` };
    },
  },
  input: "Research the launch, then write a post",
  faults: { providerError: 0.05, rateLimit: 0.05, streamCut: 0.02, toolThrow: 0.02, toolTimeout: 0.01, latencyMs: [0, 30_000] },
  retry: { maxRetries: 5, baseDelayMs: 1_000, maxDelayMs: 60_000 },
};

/** Our own invariant: a post the team finished cites the facts the researcher found. */
export function citesFacts(run: SimRun): string | undefined {
  if (run.outcome !== "completed") return undefined;
  const post = String(run.result?.finalOutput);
  return post.includes("facts about the launch") ? undefined : `the finished post does not cite the facts: "${post}"`;
}

export async function runSimulateExample(log: (line: string) => void = console.log): Promise<SimReport> {
  const report = await simulate({ ...options, seeds: 300, invariants: [citesFacts], maxFailures: 3 });
  log(`${report.seeds} seeds, ${report.passed} passed, ${(report.virtualMs / 3_600_000).toFixed(1)} h of simulated time`);
  for (const failure of report.failures) {
    log(`seed ${failure.seed}: ${failure.invariant}: ${failure.message}`);
    log(`  smallest fault schedule: ${JSON.stringify(failure.schedule)}`);
    log(`  replay: ${failure.replay}`);
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) await runSimulateExample();
