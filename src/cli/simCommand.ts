/**
 * `baton sim team.json --seeds 1000`: the team file's agents played by random models (baton/sim
 * `randomModel`) under seeded faults on simulated time, every built-in invariant checked. A
 * progress bar on stderr, a summary table on stdout; exit 1 when an invariant failed.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { FaultSchedule, SimFaults } from "../sim/simulate/faults.js";
import { randomModel } from "../sim/simulate/randomModel.js";
import type { SimReport, SimulateOptions } from "../sim/simulate/types.js";
import { simulate } from "../sim/simulate.js";
import { UsageError } from "./args.js";
import { type CliIO, EXIT } from "./io.js";
import { parseTeamFile } from "./teamFile.js";

export const SIM_USAGE = `baton sim — run a team under seeded faults on simulated time

Usage:
  baton sim <team.json> [--seeds <n | a,b,…>] [options]

Options:
      --seeds <n|list>     how many seeds (1…n, default 100), or the seeds to replay: 17,42
      --input <text>       the task (default "Do the task.")
      --faults <json>      fault probabilities, e.g. '{"providerError":0.1,"latencyMs":[0,5000]}'
                           (default: every fault kind at the rates of the README)
      --schedule <json>    replay this fault schedule (a failure's) with the seeds given
      --max-failures <n>   stop after n failing seeds
      --json               print the report as JSON
  -h, --help               this help

Each agent is played by a model that acts at random from the seed (answers, calls its tools,
hands off, delegates). Exit codes: 0 every invariant held, 1 some failed, 2 bad usage.`;

/** The fault rates of the README's example. */
export const DEFAULT_FAULTS: SimFaults = {
  providerError: 0.05,
  rateLimit: 0.05,
  streamCut: 0.02,
  malformedToolArgs: 0.02,
  toolThrow: 0.05,
  toolTimeout: 0.01,
  mcpCrash: 0.01,
  abortAt: 0.01,
  latencyMs: [0, 30_000],
};

const BAR_WIDTH = 30;

function json<T>(text: string, option: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UsageError(`${option} must be JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function seedsOf(text: string | undefined): number | number[] {
  if (text === undefined) return 100;
  if (/^\d+$/.test(text)) return Number(text);
  const list = text.split(",").map((s) => Number(s.trim()));
  if (!list.every((n) => Number.isInteger(n))) throw new UsageError(`--seeds must be a count or a list of seeds (17,42); got "${text}".`);
  return list;
}

function optionsOf(argv: readonly string[]): { file: string; options: SimulateOptions; json: boolean } | "help" {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      seeds: { type: "string" },
      input: { type: "string" },
      faults: { type: "string" },
      schedule: { type: "string" },
      "max-failures": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError("Give a team file: baton sim team.json --seeds 1000.");
  if (extra.length) throw new UsageError(`Unexpected argument "${extra[0]}".`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the team file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const team = parseTeamFile(text, file);
  const agents = team.agents.map((agent) => ({ ...agent, model: `sim/${agent.name}` }));
  const scripts = Object.fromEntries(team.agents.map((agent) => [agent.name, randomModel]));
  const maxFailures = values["max-failures"] === undefined ? undefined : Number(values["max-failures"]);
  if (maxFailures !== undefined && !(Number.isInteger(maxFailures) && maxFailures >= 1)) {
    throw new UsageError(`--max-failures must be a whole number ≥ 1; got "${values["max-failures"]}".`);
  }
  const options: SimulateOptions = {
    team: { ...team, agents },
    scripts,
    input: values.input ?? "Do the task.",
    seeds: seedsOf(values.seeds),
    faults: values.faults === undefined ? DEFAULT_FAULTS : json<SimFaults>(values.faults, "--faults"),
    ...(values.schedule === undefined ? {} : { schedule: json<FaultSchedule>(values.schedule, "--schedule") }),
    ...(maxFailures === undefined ? {} : { maxFailures }),
  };
  return { file, options, json: values.json === true };
}

function progressBar(done: number, total: number, failed: number): string {
  const filled = Math.round((done / total) * BAR_WIDTH);
  return `\r[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${done}/${total} seeds, ${failed} failed`;
}

/** The summary table: outcomes and faults by count, then each failure with the command that replays it. */
export function summaryTable(report: SimReport, file: string): string {
  const rows: Array<[string, string]> = [
    ["seeds", String(report.seeds)],
    ["passed", String(report.passed)],
    ["failed", String(report.failures.length)],
    ...Object.entries(report.outcomes).map(([k, n]): [string, string] => [`ended ${k}`, String(n)]),
    ...Object.entries(report.faults).map(([k, n]): [string, string] => [`fault ${k}`, String(n)]),
    ["simulated time", `${(report.virtualMs / 3_600_000).toFixed(1)} h`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}  ${v.padStart(8)}`);
  for (const f of report.failures) {
    lines.push("", `seed ${f.seed}: ${f.invariant}: ${f.message}`);
    lines.push(`  replay: baton sim ${file} --seeds ${f.seed} --schedule '${JSON.stringify(f.schedule)}'`);
  }
  return `${lines.join("\n")}\n`;
}

export async function simCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof optionsOf>;
  try {
    parsed = optionsOf(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`baton sim: ${message}\nRun baton sim --help for usage.\n`);
    return EXIT.usage;
  }
  if (parsed === "help") {
    io.stdout.write(`${SIM_USAGE}\n`);
    return EXIT.ok;
  }
  let report: SimReport;
  let shown = "";
  try {
    report = await simulate({
      ...parsed.options,
      onSeed: ({ done, total, failed }) => {
        const bar = progressBar(done, total, failed);
        // Redrawn when it changes by a step of the bar (or a failure), not on every seed.
        const key = `${Math.round((done / total) * BAR_WIDTH)}/${failed}/${done === total}`;
        if (key !== shown) io.stderr.write(bar);
        shown = key;
      },
    });
  } catch (error) {
    io.stderr.write(`\nbaton sim: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  io.stderr.write("\n");
  if (parsed.json) {
    const failures = report.failures.map(({ seed, invariant, message, schedule, replay, outcome }) => ({
      seed,
      invariant,
      message,
      schedule,
      replay,
      outcome,
    }));
    io.stdout.write(`${JSON.stringify({ ...report, failures }, null, 2)}\n`);
  } else io.stdout.write(summaryTable(report, parsed.file));
  return report.failures.length ? EXIT.failed : EXIT.ok;
}
