/**
 * The shape of a team: the checked options its actors are spawned with. runner.run reuses an
 * idle team only when a new run's team has the same shape, so a reused team behaves exactly
 * like a fresh one. A miss only costs a spawn; a false match would run with the wrong options,
 * so the comparison errs on the side of "different": plain values by value, everything else
 * (tools, functions, zod schemas) by identity.
 */
import type { CheckedTeam } from "../options/checkTeam.js";

export interface TeamShape {
  /** The plain part (agents, models, settings, limits, prompts, plain policy), as JSON. */
  readonly key: string;
  /** Objects compared by identity: tools, policy function, filters, schemas. */
  readonly refs: readonly unknown[];
}

/** The shape of a checked team, or undefined when its team must not be reused (MCP servers: a new run sees the servers' current tools). */
export function shapeOf(team: CheckedTeam, stream: boolean): TeamShape | undefined {
  if (team.mcpServers.length || team.agents.some((a) => a.mcpServers.length)) return undefined;
  const refs: unknown[] = [team.policy, team.handoffFilter, team.output, ...team.tools];
  const agents = team.agents.map((a) => {
    refs.push(a.handoffFilter, a.output, ...a.tools);
    return [a.name, a.model, a.instructions, a.description, a.handoffs, a.tools.length];
  });
  const plain = [
    stream,
    agents,
    team.start,
    team.tools.length,
    team.instructions,
    typeof team.policy === "function" ? "fn" : (team.policy ?? null),
    team.maxSteps,
    team.maxHandoffs,
    team.handoffMode,
    team.toolTimeoutMs,
    team.samplingModel,
    team.outputRetries,
    team.strictSettings,
  ];
  return { key: JSON.stringify(plain), refs };
}

export function sameShape(a: TeamShape, b: TeamShape): boolean {
  return a.key === b.key && a.refs.length === b.refs.length && a.refs.every((r, i) => r === b.refs[i]);
}
