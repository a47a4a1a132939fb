import { readFileSync } from "node:fs";
import { BatonError } from "../errors.js";
import type { SimScript } from "../providers/simScript.js";
import { Runner } from "../runner.js";
import { contentText } from "../transcript/index.js";
import { type CliArgs, parseCliArgs, USAGE, UsageError } from "./args.js";
import { type CliIO, EXIT } from "./io.js";
import { StatusLine, summary } from "./render.js";

export { type CliIO, EXIT };

import { simTeam } from "./simTeam.js";
import { parseTeamFile, simNamedTeam, type TeamFile } from "./teamFile.js";
import { runTrace, traceCommand } from "./traceCommand.js";

const USAGE_CODES = new Set(["INVALID_OPTIONS", "INVALID_MODEL", "UNKNOWN_PROVIDER", "INVALID_TOOL", "TOOL_CONFLICT"]);

/** The `baton` command. Returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === "trace") return traceCommand(argv.slice(1), io);
  if (argv[0] === "mcp") return (await import("./mcpCommand.js")).mcpCommand(argv.slice(1), io);
  const overRedis = argv.some((arg) => arg === "--redis" || arg.startsWith("--redis="));
  if (argv[0] === "worker" || (argv[0] === "run" && overRedis)) return (await import("./redisCommand.js")).redisCommand(argv, io);
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`baton: ${error.message}\nRun baton --help for usage.\n`);
    return EXIT.usage;
  }
  if (args.command === "help") {
    io.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.command === "version") {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  return run(args, io);
}

async function run(args: CliArgs, io: CliIO): Promise<number> {
  const status = new StatusLine(io.stderr);
  let models = args.models;
  let team: TeamFile | undefined;
  if (args.team !== undefined) {
    let text: string;
    try {
      text = readFileSync(args.team, "utf8");
    } catch (error) {
      io.stderr.write(`baton: cannot read the team file ${args.team}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    try {
      team = parseTeamFile(text, args.team);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`baton: ${error.message}\n`);
      return EXIT.usage;
    }
  }
  let scripts: Record<string, SimScript> = {};
  const teamModels = team
    ? team.agents.map((a) => (typeof a.model === "string" ? a.model : a.model?.model)).filter((m) => typeof m === "string")
    : models;
  const missing = args.sim ? undefined : missingKey(teamModels, io.env);
  if (args.sim || missing) {
    if (team) {
      const sim = simNamedTeam(team, args.input);
      team = sim.team;
      scripts = sim.scripts;
    } else {
      const sim = simTeam(args.models, args.input);
      models = sim.models;
      scripts = sim.scripts;
    }
    status.line(
      args.sim
        ? "Running on sim models (--sim): scripted answers, no network."
        : `${missing} Running on sim models instead: scripted answers, no network.`,
    );
  }
  let trace: ReturnType<typeof runTrace>;
  try {
    trace = runTrace(args.trace, args.traceHtml);
  } catch (error) {
    io.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  const runner = new Runner({
    ...(trace ? { inspect: trace.onInspect } : {}),
    env: io.env,
    providers: { sim: { scripts } },
    ...(args.mcpRegistry ? { mcpRegistry: args.mcpRegistry } : {}),
  });
  try {
    const stream = runner.stream({
      input: args.input,
      ...(team ? { ...team, mcpServers: [...(team.mcpServers ?? []), ...args.mcp] } : { model: models, mcpServers: args.mcp }),
      ...(args.instructions ? { instructions: args.instructions } : {}),
      ...(args.maxSteps ? { maxSteps: args.maxSteps } : {}),
      ...(args.handoffs ? { handoffs: args.handoffs } : {}),
      ...(io.signal ? { signal: io.signal } : {}),
    });
    if (trace) for (const name of TRACED_EVENTS) stream.on(name, trace.onEvent as never);
    let midLine = false;
    const line = (text: string) => {
      if (midLine && !args.json) io.stdout.write("\n");
      midLine = false;
      status.line(text);
    };
    stream
      .on("step.started", (e) => status.thinking(`${e.agent} is thinking…`))
      .on("tool.called", (e) => line(`→ ${e.agent} calls ${e.name} ${truncate(JSON.stringify(e.args), 80)}`))
      .on("tool.result", (e) => {
        if (e.isError) line(`  ${e.name} failed: ${truncate(contentText(e.content), 120)}`);
      })
      .on("step.retry", (e) => line(`↻ ${e.agent}: ${e.error.message}; retry ${e.attempt} in ${Math.round(e.delayMs)} ms`))
      .on("handoff", (e) => line(`⇢ handoff ${e.from} → ${e.to}${e.reason ? `: ${e.reason}` : ""}`))
      .on("text.delta", (e) => {
        status.stopSpinner();
        if (args.json) return;
        io.stdout.write(e.text);
        midLine = !e.text.endsWith("\n");
      });
    const result = await stream.result;
    if (midLine) io.stdout.write("\n");
    status.stopSpinner();
    if (args.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    status.line(summary(result));
    return result.status === "completed" ? EXIT.ok : EXIT.limit;
  } catch (error) {
    status.stopSpinner();
    if (error instanceof BatonError) {
      if (args.json && error.partial) io.stdout.write(`${JSON.stringify({ error: error.toJSON(), partial: error.partial }, null, 2)}\n`);
      io.stderr.write(`baton: ${error.code}: ${error.message}\n`);
      if (error.code === "CANCELLED") return EXIT.cancelled;
      return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
    }
    io.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failed;
  } finally {
    await runner.close();
    await trace?.finish((line) => status.line(line));
  }
}

const TRACED_EVENTS = [
  "run.started",
  "step.started",
  "text.delta",
  "tool.called",
  "tool.result",
  "step.retry",
  "handoff",
  "step.finished",
  "run.finished",
  "run.failed",
] as const;

const KEY_ENV: Record<string, string> = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" };

/** Says which key is missing, when a model's provider needs one that is not set. */
function missingKey(models: readonly string[], env: CliIO["env"]): string | undefined {
  const probe = new Runner({ env });
  try {
    for (const model of models) {
      try {
        probe.team({ model });
      } catch (error) {
        if (error instanceof BatonError && error.code === "MISSING_API_KEY") {
          const provider = model.split("/")[0] ?? model;
          return `No API key for ${provider} (${KEY_ENV[provider] ?? "see --help"}).`;
        }
        // Other errors (bad model string, unknown provider) surface from the real run.
      }
    }
    return undefined;
  } finally {
    void probe.close(); // nothing was started: teams spawn actors only on their first run
  }
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function version(): string {
  // src/cli/main.ts in the repo, dist/src/cli/main.js when built.
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { name?: string; version: string };
      if (pkg.name === "baton") return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "unknown";
}
