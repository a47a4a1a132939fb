import { parseArgs } from "node:util";
import type { HandoffMode } from "../tools/handoffTools.js";

export const USAGE = `baton — run a team of LLMs as one agent

Usage:
  baton run "<input>" -m <provider/model> [-m <provider/model> …] [options]
  baton run "<input>" --team team.json [options]
  baton resume <runId> [--approve <id> …] [--reject <id>[:<why>] …] [--yes]
                                  continue a run that waits for approvals, or whose process died
  baton trace <run.jsonl> [-o <run.html>]      render a trace as one HTML page
  baton sim <team.json> [--seeds 1000]         the team under seeded faults (baton sim --help)
  baton mcp login|logout|list …   MCP servers that need authorization (baton mcp --help)
  baton worker --redis <url> --teams <module>   run the teams a module defines, for any client
  baton run --redis <url> --team <name> "<input>"   submit a run to the workers and stream it

Options:
  -m, --model <id>         a model of the team, in order; the first starts (repeatable)
      --team <file>        a team of named agents (JSON: agents, instructions, start, mcpServers)
      --mcp <spec>         an MCP server: command line, URL or mcp.json name (repeatable)
      --mcp-registry <f>   path of an mcp.json (default ./mcp.json if present)
  -i, --instructions <t>   system prompt for every model
      --max-steps <n>      model calls in the whole run (default 10)
      --handoffs <mode>    transfer (default), delegate or both
      --json               print the whole result as JSON instead of streaming text
      --sim                run on scripted sim models (no network, no keys)
      --trace <file>       record every event and actor message to a JSON Lines trace
      --trace-html <file>  render the run's trace as one HTML page (see baton trace)
      --yes                approve every tool call that asks for approval
      --store <file>       the SQLite file runs are written to, for approvals and resume
                           (default $BATON_STORE, else ~/.baton/runs.db)
      --approve <id>       (resume) approve the waiting call with this id (repeatable)
      --reject <id>[:<why>] (resume) refuse it; the model reads why (repeatable)
  -h, --help               this help
  -v, --version            the version

Without the API key a model needs (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) baton runs on
sim models and says so. A tool call that needs approval is asked about on a terminal (y/N);
off a terminal the run stops and baton prints the \`baton resume\` line that continues it.
Exit codes: 0 completed, 1 failed, 2 bad usage, 3 stopped by a limit or policy, 4 waiting
for approval, 130 cancelled.

Example:
  baton run "Research the latest launch, then write a blog post" \\
    -m openai/gpt-4o-mini -m anthropic/claude-sonnet-4-20250514`;

export interface CliArgs {
  command: "run" | "resume" | "help" | "version";
  input: string;
  /** The run to continue (resume). */
  runId?: string;
  /** Decisions given on the command line (resume). */
  approve: string[];
  reject: Array<{ id: string; message: string }>;
  /** Approve every call that asks. */
  yes: boolean;
  store?: string;
  models: string[];
  /** Path of a team file (named agents), instead of models. */
  team?: string;
  mcp: string[];
  mcpRegistry?: string;
  instructions?: string;
  maxSteps?: number;
  handoffs?: HandoffMode;
  json: boolean;
  sim: boolean;
  trace?: string;
  traceHtml?: string;
}

export class UsageError extends Error {}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const base = { input: "", models: [], mcp: [], json: false, sim: false, approve: [], reject: [], yes: values.yes ?? false };
  if (values.help) return { ...base, command: "help" };
  if (values.version) return { ...base, command: "version" };
  const [command, ...rest] = positionals;
  if (command === undefined) return { ...base, command: "help" };
  if (command === "resume") return resumeArgs(values, rest, base);
  if (command !== "run") throw new UsageError(`Unknown command "${command}". Use: baton run "<input>" -m <provider/model>.`);
  if (values.approve || values.reject) throw new UsageError("--approve and --reject go with baton resume <runId>.");
  const input = rest.join(" ").trim();
  if (!input) throw new UsageError('Missing input. Use: baton run "<input>" -m <provider/model>.');
  const models = values.model ?? [];
  if (values.team !== undefined && models.length > 0) throw new UsageError("Give either models (-m) or a team file (--team), not both.");
  if (models.length === 0 && values.team === undefined) {
    throw new UsageError("Give at least one model with -m, e.g. -m openai/gpt-4o-mini, or a team file with --team team.json.");
  }
  let maxSteps: number | undefined;
  if (values["max-steps"] !== undefined) {
    maxSteps = Number(values["max-steps"]);
    if (!Number.isInteger(maxSteps) || maxSteps < 1)
      throw new UsageError(`--max-steps must be a whole number ≥ 1; got "${values["max-steps"]}".`);
  }
  const handoffs = values.handoffs;
  if (handoffs !== undefined && !["transfer", "delegate", "both"].includes(handoffs)) {
    throw new UsageError(`--handoffs must be transfer, delegate or both; got "${handoffs}".`);
  }
  const args: CliArgs = {
    ...base,
    command: "run",
    input,
    models,
    mcp: values.mcp ?? [],
    json: values.json ?? false,
    sim: values.sim ?? false,
  };
  if (values.store !== undefined) args.store = values.store;
  if (values.team !== undefined) args.team = values.team;
  if (values["mcp-registry"] !== undefined) args.mcpRegistry = values["mcp-registry"];
  if (values.instructions !== undefined) args.instructions = values.instructions;
  if (maxSteps !== undefined) args.maxSteps = maxSteps;
  if (handoffs !== undefined) args.handoffs = handoffs as HandoffMode;
  if (values.trace !== undefined) args.trace = values.trace;
  if (values["trace-html"] !== undefined) args.traceHtml = values["trace-html"];
  return args;
}

type Values = ReturnType<typeof parse>["values"];

function resumeArgs(values: Values, rest: string[], base: Omit<CliArgs, "command">): CliArgs {
  const [runId, ...extra] = rest;
  if (!runId) throw new UsageError("Missing the run id. Use: baton resume <runId> [--approve <id>] [--reject <id>[:<why>]].");
  if (extra.length) throw new UsageError(`baton resume takes one run id; got also "${extra.join(" ")}".`);
  for (const flag of ["model", "team", "mcp", "instructions", "max-steps", "handoffs", "sim"] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} does not go with resume: a run resumes with what it was started with.`);
  }
  const reject = (values.reject ?? []).map((given) => {
    const colon = given.indexOf(":");
    const id = colon < 0 ? given : given.slice(0, colon);
    const message = colon < 0 ? "The user declined this call." : given.slice(colon + 1).trim() || "The user declined this call.";
    if (!id) throw new UsageError(`--reject needs a call id; got "${given}".`);
    return { id, message };
  });
  const args: CliArgs = { ...base, command: "resume", runId, approve: values.approve ?? [], reject, json: values.json ?? false };
  if (values.store !== undefined) args.store = values.store;
  if (values.trace !== undefined) args.trace = values.trace;
  if (values["trace-html"] !== undefined) args.traceHtml = values["trace-html"];
  return args;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: "string", short: "m", multiple: true },
      team: { type: "string" },
      mcp: { type: "string", multiple: true },
      "mcp-registry": { type: "string" },
      instructions: { type: "string", short: "i" },
      "max-steps": { type: "string" },
      handoffs: { type: "string" },
      json: { type: "boolean" },
      sim: { type: "boolean" },
      trace: { type: "string" },
      "trace-html": { type: "string" },
      yes: { type: "boolean", short: "y" },
      store: { type: "string" },
      approve: { type: "string", multiple: true },
      reject: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}
