/**
 * Scale: memory of idle long-lived teams (two in-process sim models each), and how sequential
 * latency grows with the length of the earlier transcript.
 */
import { Runner } from "../src/index.js";
import { fullGc, median, p95, timeEach } from "./measure.js";
import { EXPECTED_ANSWER } from "./scenario.js";
import type { Endpoints, Factory, Implementation } from "./scenarios/types.js";

export interface TeamFigures {
  teams: number;
  /** RSS of the whole process with the teams alive. */
  rssBytes: number;
  /** RSS and heap added per team, over a Runner that already ran one team. */
  rssPerTeamBytes: number;
  heapPerTeamBytes: number;
  /** Creating every team and running its one short task. */
  setupMs: number;
  /** A run on the first team again, after all were created (they are alive, not just allocated). */
  stillWorks: boolean;
}

const BATCH = 100;

export async function measureIdleTeams(count: number): Promise<TeamFigures> {
  const runner = new Runner({ providers: { sim: { scripts: { a: () => ({ text: "ok" }), b: () => ({ text: "ok" }) } } }, env: {} });
  const warm = runner.team({ model: ["sim/a", "sim/b"] });
  await warm.run("hi");
  await fullGc();
  const before = process.memoryUsage();
  const started = performance.now();
  const teams = [];
  for (let i = 0; i < count; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - i) }, () => runner.team({ model: ["sim/a", "sim/b"] }));
    await Promise.all(batch.map((team) => team.run("hi")));
    teams.push(...batch);
  }
  const setupMs = performance.now() - started;
  await fullGc();
  const after = process.memoryUsage();
  const again = await teams[0]!.run("again");
  await runner.close();
  return {
    teams: count,
    rssBytes: after.rss,
    rssPerTeamBytes: (after.rss - before.rss) / count,
    heapPerTeamBytes: (after.heapUsed - before.heapUsed) / count,
    setupMs,
    stillWorks: again.finalOutput === "ok",
  };
}

export interface TranscriptFigures {
  name: string;
  /** Earlier messages → sequential latency. */
  points: Array<{ messages: number; medianMs: number; p95Ms: number; correct: boolean }>;
}

export async function measureTranscripts(
  factory: Factory,
  endpoints: Endpoints,
  counts: { transcriptLengths: number[]; transcriptRuns: number; warmup: number },
): Promise<TranscriptFigures> {
  const points: TranscriptFigures["points"] = [];
  let name = "";
  for (const messages of counts.transcriptLengths) {
    const impl: Implementation = await factory(endpoints, { history: messages });
    name = impl.name;
    const correct = (await impl.runOnce()) === EXPECTED_ANSWER;
    // A fresh process: the first length gets the full JIT warm-up, the later ones a short one.
    await timeEach(messages === counts.transcriptLengths[0] ? counts.warmup : Math.min(counts.warmup, 30), () => impl.runOnce());
    const times = await timeEach(counts.transcriptRuns, () => impl.runOnce());
    points.push({ messages, medianMs: median(times), p95Ms: p95(times), correct });
    await impl.close();
  }
  return { name, points };
}
