/**
 * Idle-team reuse (issue 12, "keep it only if it pays ≥ 5% on the HTTP scenario"): the main
 * scenario over HTTP, paired in one process, `runner.run` (which runs on the idle team an
 * earlier run of the same options left) against a new team per run (`runner.team(…)`, one
 * run, `stop()`: what `runner.run` would do without reuse).
 */
import { z } from "zod";
import { defineTool, Runner } from "../src/index.js";
import { INPUT, INSTRUCTIONS, lookup, RESEARCH_MODEL, TOOL_DESCRIPTION, TOOL_NAME, WRITER_MODEL } from "./scenario.js";
import { API_KEY, type Endpoints } from "./scenarios/types.js";

export interface ReuseFigures {
  reusedMs: number;
  newTeamMs: number;
  /** newTeamMs / reusedMs: above 1.05 reuse pays its keep. */
  gain: number;
  reps: number;
  runsPerRep: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

export async function measureReuse(endpoints: Endpoints, quick: boolean, log: (line: string) => void): Promise<ReuseFigures> {
  const runner = new Runner({
    providers: {
      openai: { baseURL: endpoints.openaiBaseURL, apiKey: API_KEY },
      anthropic: { baseURL: endpoints.anthropicBaseURL, apiKey: API_KEY },
    },
    env: {},
  });
  const tool = defineTool({
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    parameters: z.object({ topic: z.string() }),
    execute: ({ topic }) => lookup(topic),
  });
  const team = { model: [`openai/${RESEARCH_MODEL}`, `anthropic/${WRITER_MODEL}`], tools: [tool], instructions: INSTRUCTIONS };
  const ways = {
    reused: async () => {
      await runner.run({ ...team, input: INPUT });
    },
    newTeam: async () => {
      const t = runner.team(team);
      await t.run(INPUT);
      await t.stop();
    },
  };
  const reps = quick ? 3 : 7;
  const runsPerRep = quick ? 30 : 300;
  try {
    for (const way of Object.values(ways)) for (let i = 0; i < (quick ? 10 : 200); i++) await way();
    const per = { reused: [] as number[], newTeam: [] as number[] };
    const ratios: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? (["reused", "newTeam"] as const) : (["newTeam", "reused"] as const);
      const medians: Partial<Record<keyof typeof ways, number>> = {};
      for (const name of order) {
        const times: number[] = [];
        for (let i = 0; i < runsPerRep; i++) {
          const t0 = performance.now();
          await ways[name]();
          times.push(performance.now() - t0);
        }
        medians[name] = median(times);
        per[name].push(medians[name]);
      }
      ratios.push(medians.newTeam! / medians.reused!);
    }
    const figures = { reusedMs: median(per.reused), newTeamMs: median(per.newTeam), gain: median(ratios), reps, runsPerRep };
    log(
      `  runner.run on an idle team ${figures.reusedMs.toFixed(3)} ms, a new team per run ${figures.newTeamMs.toFixed(3)} ms: ×${figures.gain.toFixed(3)}`,
    );
    return figures;
  } finally {
    await runner.close();
  }
}

export function reuseSection(figures: ReuseFigures | undefined): string {
  if (!figures) return "Not measured.";
  return (
    `Idle-team reuse, the main scenario over HTTP at 0 ms (sequential median per run, ${figures.reps} paired repetitions of ${figures.runsPerRep} runs): ` +
    `\`runner.run\` on the idle team of an earlier run ${figures.reusedMs.toFixed(3)} ms, a new team per run ${figures.newTeamMs.toFixed(3)} ms: ` +
    `reuse saves **${((1 - 1 / figures.gain) * 100).toFixed(1)}%** per run (kept when ≥ 5%).`
  );
}
