import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { sqliteStore } from "../../actors/store/sqlite.js";
import { BatonError } from "../errors.js";
import type { TeamOptions } from "../options/types.js";
import type { RunResult } from "../result.js";
import { Runner } from "../runner.js";
import type { Interruption } from "../store/records.js";
import type { RunStore } from "../store/types.js";
import { contentText } from "../transcript/index.js";
import { type Decisions, decide, resumeHint } from "./approvals.js";
import { type CliArgs, parseCliArgs, USAGE, UsageError } from "./args.js";
import { type CliIO, EXIT } from "./io.js";
import { StatusLine, summary } from "./render.js";

export { type CliIO, EXIT };

import { modelsOf, type RunSpec, specFromMeta, specOf, storePath, teamOf } from "./runSpec.js";
import { runTrace, traceCommand } from "./traceCommand.js";

const USAGE_CODES = new Set(["INVALID_OPTIONS", "INVALID_MODEL", "UNKNOWN_PROVIDER", "INVALID_TOOL", "TOOL_CONFLICT"]);

/** The `baton` command. Returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === "trace") return traceCommand(argv.slice(1), io);
  if (argv[0] === "sim") return (await import("./simCommand.js")).simCommand(argv.slice(1), io);
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
  return args.command === "resume" ? resume(args, io) : run(args, io);
}

async function run(args: CliArgs, io: CliIO): Promise<number> {
  const status = new StatusLine(io.stderr);
  let spec: RunSpec;
  try {
    spec = specOf(args, args.sim, process.cwd());
    const missing = args.sim ? undefined : missingKey(modelsOf(spec), io.env);
    if (missing) spec.sim = true;
    if (spec.sim) {
      status.line(
        args.sim
          ? "Running on sim models (--sim): scripted answers, no network."
          : `${missing} Running on sim models instead: scripted answers, no network.`,
      );
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`baton: ${error.message}\n`);
    return EXIT.usage;
  }
  return execute(spec, args, io, status);
}

/** `baton resume <runId>`: continues a CLI run from the store, with the decisions given or asked for. */
async function resume(args: CliArgs, io: CliIO): Promise<number> {
  const status = new StatusLine(io.stderr);
  const runId = args.runId!;
  const file = storePath(args, io.env, process.cwd());
  let waiting: Awaited<ReturnType<RunStore["unfinished"]>>[number] | undefined;
  const store = sqliteStore(file);
  try {
    waiting = (await store.unfinished()).find((r) => r.runId === runId);
    if (!waiting) {
      // Over already (its result is in the store), or not there at all: the Runner says which.
      const runner = new Runner({ env: io.env, store });
      try {
        return report(await runner.resume(runId), args, io, status, true);
      } catch (error) {
        return failure(error, args, io, status);
      } finally {
        await runner.close();
      }
    }
  } finally {
    await store.close?.();
  }
  const spec = specFromMeta(waiting.meta);
  if (!spec) {
    io.stderr.write(
      `baton: run ${runId} was not started by the baton CLI: resume it with runner.resume() in the program that defines its team.\n`,
    );
    return EXIT.usage;
  }
  if (spec.sim) status.line("Resuming on sim models, as the run started.");
  const given = args.approve.length > 0 || args.reject.length > 0;
  const decisions = given ? { approve: args.approve, reject: args.reject } : undefined;
  return execute(spec, args, io, status, { runId, decisions, interrupted: waiting.status === "interrupted" ? waiting.interruptions : [] });
}

interface Resuming {
  runId: string;
  decisions: Decisions | undefined;
  interrupted: Interruption[];
}

async function execute(spec: RunSpec, args: CliArgs, io: CliIO, status: StatusLine, resuming?: Resuming): Promise<number> {
  let trace: ReturnType<typeof runTrace>;
  let team: ReturnType<typeof teamOf>;
  try {
    trace = runTrace(args.trace, args.traceHtml);
    team = teamOf(spec);
  } catch (error) {
    io.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  const file = storePath(args, io.env, process.cwd());
  mkdirSync(path.dirname(file), { recursive: true });
  const store = sqliteStore(file);
  const registry = spec.mcpRegistry ?? path.join(spec.cwd, "mcp.json");
  const runner = new Runner({
    ...(trace ? { inspect: trace.onInspect } : {}),
    env: io.env,
    providers: { sim: { scripts: team.scripts } },
    store,
    ...(spec.mcpRegistry || existsSync(registry) ? { mcpRegistry: registry } : {}),
  });
  const line = (text: string) => status.line(text);
  const continueWith = async (runId: string, decisions: Decisions): Promise<RunResult<unknown>> => {
    status.thinking("continuing…");
    const result = await runner.resume(runId, { ...team.options, ...decisions, ...(io.signal ? { signal: io.signal } : {}) });
    status.stopSpinner();
    if (!args.json && result.status !== "interrupted") io.stdout.write(`${contentText(finalText(result))}\n`);
    return result;
  };
  try {
    let result: RunResult<unknown>;
    if (resuming) {
      let decisions = resuming.decisions;
      if (!decisions && resuming.interrupted.length) decisions = await decide(resuming.interrupted, args.yes, io, line);
      if (!decisions && resuming.interrupted.length) {
        line(resumeHint({ runId: resuming.runId, interruptions: resuming.interrupted } as RunResult<unknown>, file, isDefault(args, io)));
        return EXIT.interrupted;
      }
      result = await continueWith(resuming.runId, decisions ?? { approve: [], reject: [] });
    } else {
      result = await streamRun(runner, spec, team.options, args, io, status, trace);
    }
    while (result.status === "interrupted") {
      const decisions = await decide(result.interruptions ?? [], args.yes, io, line);
      if (!decisions) {
        if (args.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        line(resumeHint(result, file, isDefault(args, io)));
        return EXIT.interrupted;
      }
      result = await continueWith(result.runId, decisions);
    }
    return report(result, args, io, status, false);
  } catch (error) {
    return failure(error, args, io, status);
  } finally {
    await runner.close();
    await store.close?.();
    await trace?.finish((text) => status.line(text));
  }
}

/** The first run of a CLI command, streamed: progress on stderr, the answer on stdout. */
async function streamRun(
  runner: Runner,
  spec: RunSpec,
  options: TeamOptions,
  args: CliArgs,
  io: CliIO,
  status: StatusLine,
  trace: ReturnType<typeof runTrace>,
): Promise<RunResult<unknown>> {
  const stream = runner.stream({ ...options, input: spec.input, meta: { cli: spec }, ...(io.signal ? { signal: io.signal } : {}) });
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
  return result;
}

function report(result: RunResult<unknown>, args: CliArgs, io: CliIO, status: StatusLine, printAnswer: boolean): number {
  if (args.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (printAnswer) io.stdout.write(`${contentText(finalText(result))}\n`);
  status.line(summary(result));
  if (result.status === "interrupted") return EXIT.interrupted;
  return result.status === "completed" ? EXIT.ok : EXIT.limit;
}

function failure(error: unknown, args: CliArgs, io: CliIO, status: StatusLine): number {
  status.stopSpinner();
  if (error instanceof BatonError) {
    if (args.json && error.partial) io.stdout.write(`${JSON.stringify({ error: error.toJSON(), partial: error.partial }, null, 2)}\n`);
    io.stderr.write(`baton: ${error.code}: ${error.message}\n`);
    if (error.code === "CANCELLED") return EXIT.cancelled;
    return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
  }
  io.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
}

/** The answer as text (typed output as JSON). */
function finalText(result: RunResult<unknown>): string {
  return typeof result.finalOutput === "string" ? result.finalOutput : JSON.stringify(result.finalOutput);
}

function isDefault(args: CliArgs, io: CliIO): boolean {
  return args.store === undefined && !io.env.BATON_STORE;
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
  "approval.requested",
  "run.interrupted",
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
