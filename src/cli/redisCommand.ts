/**
 * The CLI over a Redis engine: `baton worker` takes runs with the teams a module defines;
 * `baton run --redis` submits a run of a defined team and streams it from whichever worker runs it.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { redisEngine } from "../../actors/redis/engine.js";
import { BatonError } from "../errors.js";
import type { TeamOptions } from "../options/types.js";
import type { ProvidersConfig } from "../providers/config.js";
import { Runner } from "../runner.js";
import { type CliIO, EXIT } from "./io.js";
import { StatusLine, summary } from "./render.js";

export const REDIS_USAGE = `baton over Redis — workers run teams, clients submit runs

Usage:
  baton worker --redis <url> --teams <module> [--concurrency <n>] [--prefix <p>]
  baton run --redis <url> --team <name> [--prefix <p>] [--json] "<input>"

The teams module exports its definitions: a default export (or named exports) mapping each
team's name to its options ({ agents | model, tools, … }), and optionally \`providers\`
(the Runner's provider settings). A worker stops taking runs on SIGINT or SIGTERM and
finishes the ones it holds.`;

function usage(io: CliIO, message: string): number {
  io.stderr.write(`baton: ${message}\n\n${REDIS_USAGE}\n`);
  return EXIT.usage;
}

function isDefinition(value: unknown): value is TeamOptions {
  return typeof value === "object" && value !== null && ("agents" in value || "model" in value);
}

/** `baton worker …` or `baton run --redis …`. Returns the exit code. */
export async function redisCommand(argv: readonly string[], io: CliIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const url = values.redis;
  if (!url) return usage(io, "--redis <url> is required (e.g. redis://127.0.0.1:6379).");
  const engineOptions = { url, ...(values.prefix ? { prefix: values.prefix } : {}) };
  if (command === "worker") {
    if (!values.teams) return usage(io, "baton worker needs --teams <module> (a module that exports team definitions).");
    const concurrency = values.concurrency === undefined ? 10 : Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      return usage(io, `--concurrency must be a whole number ≥ 1; got "${values.concurrency}".`);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path.resolve(values.teams)).href)) as Record<string, unknown>;
    } catch (error) {
      io.stderr.write(`baton: cannot load the teams module ${values.teams}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    const source =
      isDefinition(mod.default) || typeof mod.default !== "object" || mod.default === null ? mod : (mod.default as Record<string, unknown>);
    const definitions = Object.entries(source).filter(([name, value]) => name !== "providers" && isDefinition(value)) as Array<
      [string, TeamOptions]
    >;
    if (definitions.length === 0) return usage(io, `${values.teams} exports no team definitions ({ agents | model, … }).`);
    const providers = (mod.providers ?? (source as { providers?: unknown }).providers) as ProvidersConfig | undefined;
    const worker = new Runner({ env: io.env, engine: redisEngine(engineOptions), ...(providers ? { providers } : {}) });
    try {
      for (const [name, options] of definitions) worker.define(name, options);
    } catch (error) {
      await worker.close();
      io.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.usage;
    }
    const stop = () => void worker.close();
    if (io.signal?.aborted) stop();
    io.signal?.addEventListener("abort", stop, { once: true });
    io.stderr.write(`baton worker: ${definitions.map(([name]) => name).join(", ")} on ${url} (concurrency ${concurrency})\n`);
    await worker.work({ concurrency });
    await worker.close();
    io.stderr.write("baton worker: stopped\n");
    return EXIT.ok;
  }
  if (command !== "run") return usage(io, `Unknown command "${command ?? ""}".`);
  const input = rest.join(" ").trim();
  if (!values.team) return usage(io, "baton run --redis needs --team <name> (a team the workers define).");
  if (!input) return usage(io, 'Missing input: baton run --redis <url> --team <name> "<input>".');
  const client = new Runner({ env: io.env, engine: redisEngine(engineOptions) });
  const status = new StatusLine(io.stderr);
  try {
    const stream = client.stream({ team: values.team, input, ...(io.signal ? { signal: io.signal } : {}) });
    status.line(`Submitted to ${url} as a run of "${values.team}".`);
    if (!values.json) {
      stream
        .on("step.started", (e) => status.thinking(`${e.agent} is thinking…`))
        .on("tool.called", (e) => status.line(`→ ${e.agent} calls ${e.name}`))
        .on("run.resumed", () => status.line("↻ a worker continues the run from its last checkpoint"))
        .on("text.delta", (e) => {
          status.stopSpinner();
          io.stdout.write(e.text);
        });
    }
    const result = await stream.result;
    status.stopSpinner();
    if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      io.stdout.write("\n");
      status.line(summary(result));
    }
    if (result.status === "interrupted") {
      status.line(
        `The run waits for approval: ${result.runId} (${(result.interruptions ?? []).map((i) => `${i.id}: ${i.tool}`).join(", ")}).`,
      );
    }
    return result.status === "completed" || result.status === "interrupted" ? EXIT.ok : EXIT.limit;
  } catch (error) {
    status.stopSpinner();
    const code = error instanceof BatonError ? error.code : "INTERNAL";
    io.stderr.write(`baton: ${error instanceof Error ? error.message : String(error)}\n`);
    return code === "CANCELLED" ? EXIT.cancelled : code === "INVALID_OPTIONS" ? EXIT.usage : EXIT.failed;
  } finally {
    await client.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      redis: { type: "string" },
      teams: { type: "string" },
      team: { type: "string" },
      prefix: { type: "string" },
      concurrency: { type: "string" },
      json: { type: "boolean" },
    },
  });
}
