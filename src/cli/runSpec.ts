/**
 * What a CLI run is started with, as plain JSON (written into the run's `meta`), and the team
 * options it stands for. `baton resume` rebuilds the same team from it in a new process.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import type { TeamOptions } from "../options/types.js";
import type { SimScript } from "../providers/simScript.js";
import { type CliArgs, UsageError } from "./args.js";
import type { CliIO } from "./io.js";
import { simTeam } from "./simTeam.js";
import { parseTeamFile, simNamedTeam, type TeamFile } from "./teamFile.js";

export interface RunSpec {
  input: string;
  models: string[];
  /** Absolute path of the team file. */
  team?: string;
  mcp: string[];
  /** Absolute path of the mcp.json given. */
  mcpRegistry?: string;
  instructions?: string;
  maxSteps?: number;
  handoffs?: CliArgs["handoffs"];
  /** Ran on sim stand-ins (asked for, or no key): a resume does the same. */
  sim: boolean;
  /** Where it was started (mcp.json and relative commands are found from there). */
  cwd: string;
}

export function specOf(args: CliArgs, sim: boolean, cwd: string): RunSpec {
  const spec: RunSpec = { input: args.input, models: args.models, mcp: args.mcp, sim, cwd };
  if (args.team !== undefined) spec.team = path.resolve(cwd, args.team);
  if (args.mcpRegistry !== undefined) spec.mcpRegistry = path.resolve(cwd, args.mcpRegistry);
  if (args.instructions !== undefined) spec.instructions = args.instructions;
  if (args.maxSteps !== undefined) spec.maxSteps = args.maxSteps;
  if (args.handoffs !== undefined) spec.handoffs = args.handoffs;
  return spec;
}

/** The spec a run's meta holds, or undefined when it was not started by the CLI. */
export function specFromMeta(meta: Record<string, unknown> | undefined): RunSpec | undefined {
  const spec = meta?.cli as RunSpec | undefined;
  return spec && typeof spec.input === "string" && Array.isArray(spec.models) ? spec : undefined;
}

/** The team file a spec names; a usage error when it cannot be read or parsed. */
export function readTeamFile(file: string): TeamFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read the team file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTeamFile(text, file);
}

/** The team options of a spec, and the sim scripts when it runs on sim stand-ins. */
export function teamOf(spec: RunSpec): { options: TeamOptions; scripts: Record<string, SimScript> } {
  let team = spec.team !== undefined ? readTeamFile(spec.team) : undefined;
  let models = spec.models;
  let scripts: Record<string, SimScript> = {};
  if (spec.sim) {
    if (team) ({ team, scripts } = simNamedTeam(team, spec.input));
    else ({ models, scripts } = simTeam(spec.models, spec.input));
  }
  const options: TeamOptions = team
    ? { ...team, mcpServers: [...(team.mcpServers ?? []), ...spec.mcp] }
    : { model: models, mcpServers: spec.mcp };
  if (spec.instructions) options.instructions = spec.instructions;
  if (spec.maxSteps) options.maxSteps = spec.maxSteps;
  if (spec.handoffs) options.handoffs = spec.handoffs;
  return { options, scripts };
}

/** The models a spec's team runs on (to check for API keys). */
export function modelsOf(spec: RunSpec): string[] {
  if (spec.team === undefined) return spec.models;
  return readTeamFile(spec.team)
    .agents.map((a) => (typeof a.model === "string" ? a.model : a.model?.model))
    .filter((m): m is string => typeof m === "string");
}

/** The SQLite file runs go to: --store, else $BATON_STORE, else ~/.baton/runs.db. */
export function storePath(args: CliArgs, env: CliIO["env"], cwd: string): string {
  if (args.store !== undefined) return path.resolve(cwd, args.store);
  if (env.BATON_STORE) return path.resolve(cwd, env.BATON_STORE);
  return path.join(env.HOME ?? homedir(), ".baton", "runs.db");
}
