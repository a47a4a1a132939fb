/** Team files for `baton run --team team.json`: named agents and team settings, as JSON. */
import type { AgentDefinition, TeamOptions } from "../options/types.js";
import type { SimScript } from "../sim/script.js";
import { transferToolName } from "../tools/handoffTools.js";
import { UsageError } from "./args.js";
import { nextToolTurn } from "./simTools.js";

/** What a team file may hold: the JSON-able part of a named team (no tools, no functions). */
export type TeamFile = Pick<TeamOptions, "instructions" | "start" | "mcpServers" | "maxSteps" | "maxHandoffs" | "handoffs"> & {
  agents: Array<Pick<AgentDefinition, "name" | "model" | "instructions" | "description" | "handoffs" | "mcpServers" | "settings">>;
};

const TEAM_KEYS = new Set(["agents", "instructions", "start", "mcpServers", "maxSteps", "maxHandoffs", "handoffs"]);
const AGENT_KEYS = new Set(["name", "model", "instructions", "description", "handoffs", "mcpServers", "settings"]);

/** Parses a team file's text; what is wrong is a usage error naming the file. */
export function parseTeamFile(text: string, path: string): TeamFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`${path} must hold an object: { "agents": [{ "name": "…", "model": "provider/model" }, …] }.`);
  }
  const team = json as Record<string, unknown>;
  for (const key of Object.keys(team)) {
    if (!TEAM_KEYS.has(key)) throw new UsageError(`${path}: unknown key "${key}". Known: ${[...TEAM_KEYS].join(", ")}.`);
  }
  if (!Array.isArray(team.agents) || team.agents.length === 0) throw new UsageError(`${path}: "agents" must be a non-empty list.`);
  team.agents.forEach((agent, i) => {
    if (typeof agent !== "object" || agent === null || Array.isArray(agent))
      throw new UsageError(`${path}: agents[${i}] must be an object.`);
    for (const key of Object.keys(agent)) {
      if (!AGENT_KEYS.has(key))
        throw new UsageError(`${path}: agents[${i}] has an unknown key "${key}". Known: ${[...AGENT_KEYS].join(", ")}.`);
    }
  });
  return team as unknown as TeamFile;
}

/**
 * Sim stand-ins for a team file run without keys: each agent's model becomes `sim/<agent>`;
 * an agent calls its first tool once, then passes the task on along its first handoff to an agent later in the file, the
 * others answer; every line says it is simulated.
 */
export function simNamedTeam(team: TeamFile, input: string): { team: TeamFile; scripts: Record<string, SimScript> } {
  const names = team.agents.map((a) => a.name);
  const scripts: Record<string, SimScript> = {};
  const agents = team.agents.map((agent, i) => {
    const allowed = agent.handoffs ?? names.filter((n) => n !== agent.name);
    const next = names.slice(i + 1).find((n) => allowed.includes(n));
    const label = `(sim ${agent.name}, for ${typeof agent.model === "string" ? agent.model : agent.model.model})`;
    scripts[agent.name] = (request) =>
      nextToolTurn(request, label) ??
      (next && request.tools.some((t) => t.name === transferToolName(next))
        ? {
            text: `${label} I looked at the task and pass it on.`,
            handoff: { to: next, reason: "simulated handoff", task: input },
            latencyMs: 120,
          }
        : { text: `${label} A simulated answer to: ${input}`, latencyMs: 120 });
    return { ...agent, model: `sim/${agent.name}` };
  });
  return { team: { ...team, agents }, scripts };
}
