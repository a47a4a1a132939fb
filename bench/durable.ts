/**
 * Durable runs (issue 16): what a checkpoint costs per step with the SQLite store as the
 * transcript grows (10, 100, 1,000 earlier messages: it must stay flat, appending a step writes
 * that step), and what the default in-memory store adds to the main scenario end to end
 * (paired against a store that keeps nothing; target ≤ 3%).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";
import { defineTool, memoryStore, Runner, type RunStore, sqliteStore } from "../src/index.js";
import { history, INPUT, INSTRUCTIONS, lookup, RESEARCH_MODEL, TOOL_DESCRIPTION, TOOL_NAME, WRITER_MODEL } from "./scenario.js";
import { API_KEY, type Endpoints } from "./scenarios/types.js";

export interface DurableFigures {
  /** Per transcript length: the SQLite append of a step's records (ms), and of the run's first record (which holds the transcript). */
  checkpoint: Array<{ messages: number; stepMedianMs: number; stepP95Ms: number; startedMedianMs: number }>;
  /** Sequential median ms per run of the main scenario, paired: the default in-memory store, a store that keeps nothing, SQLite. */
  overhead: { memoryMs: number; noneMs: number; sqliteMs: number; memoryOverNone: number; reps: number; runsPerRep: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))] ?? Number.NaN;

/** A store that keeps nothing: the baseline the in-memory store is measured against. */
const noStore = (): RunStore => ({
  durable: false,
  append() {},
  load: async () => undefined,
  unfinished: async () => [],
  claim: async () => true,
  release: async () => {},
});

function runnerOn(endpoints: Endpoints, store: RunStore): Runner {
  return new Runner({
    providers: {
      openai: { baseURL: endpoints.openaiBaseURL, apiKey: API_KEY },
      anthropic: { baseURL: endpoints.anthropicBaseURL, apiKey: API_KEY },
    },
    env: {},
    store,
  });
}

function scenario(earlier: number) {
  const tool = defineTool({
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    parameters: z.object({ topic: z.string() }),
    execute: ({ topic }) => lookup(topic),
  });
  const messages = history(earlier);
  return {
    input: INPUT,
    model: [`openai/${RESEARCH_MODEL}`, `anthropic/${WRITER_MODEL}`],
    tools: [tool],
    instructions: INSTRUCTIONS,
    ...(messages.length ? { messages } : {}),
  };
}

export async function measureDurable(endpoints: Endpoints, quick: boolean, log: (line: string) => void): Promise<DurableFigures> {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-bench-durable-"));
  try {
    const checkpoint: DurableFigures["checkpoint"] = [];
    for (const messages of [10, 100, 1000]) {
      const sqlite = sqliteStore(path.join(dir, `checkpoints-${messages}.db`));
      const steps: number[] = [];
      const starts: number[] = [];
      const timed: RunStore = {
        durable: sqlite.durable,
        append(runId, records) {
          const t0 = performance.now();
          sqlite.append(runId, records);
          const ms = performance.now() - t0;
          if (records.some((r) => r.kind === "started")) starts.push(ms);
          else if (records.some((r) => r.kind === "step")) steps.push(ms);
        },
        load: (runId) => sqlite.load(runId),
        unfinished: () => sqlite.unfinished(),
        claim: (runId, owner, ttl) => sqlite.claim(runId, owner, ttl),
        release: (runId, owner) => sqlite.release(runId, owner),
      };
      const runner = runnerOn(endpoints, timed);
      const run = scenario(messages);
      const runs = quick ? 10 : 60;
      for (let i = 0; i < runs; i++) {
        // The first runs warm the JIT and SQLite's cache: not counted.
        if (i === Math.floor(runs / 3)) {
          steps.length = 0;
          starts.length = 0;
        }
        await runner.run(run);
      }
      await runner.close();
      await sqlite.close?.();
      const figure = { messages, stepMedianMs: median(steps), stepP95Ms: p95(steps), startedMedianMs: median(starts) };
      checkpoint.push(figure);
      log(
        `  ${messages} earlier messages: step checkpoint ${figure.stepMedianMs.toFixed(3)} ms (p95 ${figure.stepP95Ms.toFixed(3)}), first record ${figure.startedMedianMs.toFixed(3)} ms`,
      );
    }

    // Paired: the stores take turns, each rep in a new order, on one process's warm JIT.
    const reps = quick ? 3 : 7;
    const runsPerRep = quick ? 30 : 300;
    const kinds = ["memory", "none", "sqlite"] as const;
    const per: Record<(typeof kinds)[number], number[]> = { memory: [], none: [], sqlite: [] };
    const ratios: number[] = [];
    const run = scenario(0);
    const runners = {
      memory: runnerOn(endpoints, memoryStore({ maxRuns: 100 })),
      none: runnerOn(endpoints, noStore()),
      sqlite: runnerOn(endpoints, sqliteStore(path.join(dir, "overhead.db"))),
    };
    for (const kind of kinds) for (let i = 0; i < (quick ? 10 : 200); i++) await runners[kind].run(run);
    for (let rep = 0; rep < reps; rep++) {
      const order = kinds.map((_, i) => kinds[(i + rep) % kinds.length]!);
      const medians: Partial<Record<(typeof kinds)[number], number>> = {};
      for (const kind of order) {
        const times: number[] = [];
        for (let i = 0; i < runsPerRep; i++) {
          const t0 = performance.now();
          await runners[kind].run(run);
          times.push(performance.now() - t0);
        }
        medians[kind] = median(times);
        per[kind].push(medians[kind]);
      }
      ratios.push(medians.memory! / medians.none!);
    }
    for (const kind of kinds) await runners[kind].close();
    const overhead = {
      memoryMs: median(per.memory),
      noneMs: median(per.none),
      sqliteMs: median(per.sqlite),
      memoryOverNone: median(ratios),
      reps,
      runsPerRep,
    };
    log(
      `  main scenario per run: in-memory store ${overhead.memoryMs.toFixed(3)} ms, no store ${overhead.noneMs.toFixed(3)} ms ` +
        `(×${overhead.memoryOverNone.toFixed(3)}), SQLite ${overhead.sqliteMs.toFixed(3)} ms`,
    );
    return { checkpoint, overhead };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function durableSection(figures: DurableFigures | undefined): string {
  if (!figures) return "Not measured.";
  const o = figures.overhead;
  return [
    "Checkpoint cost per step with `sqliteStore` (WAL, one transaction per append) as the transcript grows: a step appends its own records, " +
      "so the cost stays flat; the run's first record holds the transcript it starts from.",
    "",
    "| earlier messages | step checkpoint, median (ms) | p95 (ms) | first record (ms) |",
    "|---:|---:|---:|---:|",
    ...figures.checkpoint.map(
      (c) => `| ${c.messages} | ${c.stepMedianMs.toFixed(3)} | ${c.stepP95Ms.toFixed(3)} | ${c.startedMedianMs.toFixed(3)} |`,
    ),
    "",
    `The main scenario end to end (sequential median per run, ${o.reps} paired repetitions of ${o.runsPerRep} runs): ` +
      `in-memory store (the default) ${o.memoryMs.toFixed(3)} ms, a store that keeps nothing ${o.noneMs.toFixed(3)} ms: ` +
      `**×${o.memoryOverNone.toFixed(3)}** (target ≤ ×1.03); SQLite (durable: answers written before tools run) ${o.sqliteMs.toFixed(3)} ms.`,
  ].join("\n");
}
