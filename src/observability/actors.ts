/**
 * What an actor is, read from its systemId (the formats of machines/addresses.ts). The trace
 * viewer draws one lane per actor and groups lanes by what they are.
 */

export type ActorKind = "supervisor" | "agent" | "tools" | "events" | "callbacks" | "provider" | "mcp" | "other";

export interface ActorInfo {
  id: string;
  kind: ActorKind;
  /** The team of a team's actor. */
  team?: string;
  /** The agent's name, the provider's or the MCP server's name. */
  name?: string;
}

const TEAM_SCOPED: Record<string, ActorKind> = { team: "supervisor", tools: "tools", events: "events", callbacks: "callbacks" };

/** Parses `agent:<team>:<name>`, `team:<team>`, `provider:<name>`, `mcp:<name>`, … */
export function actorInfo(id: string): ActorInfo {
  const colon = id.indexOf(":");
  if (colon < 0) return { id, kind: "other" };
  const prefix = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  if (prefix === "agent") {
    // The team id has no colon; the agent's name may (a model id such as `ollama/llama3:8b`).
    const second = rest.indexOf(":");
    if (second < 0) return { id, kind: "other" };
    return { id, kind: "agent", team: rest.slice(0, second), name: rest.slice(second + 1) };
  }
  const teamKind = TEAM_SCOPED[prefix];
  if (teamKind) return { id, kind: teamKind, team: rest };
  if (prefix === "provider") return { id, kind: "provider", name: rest };
  if (prefix === "mcp") return { id, kind: "mcp", name: rest };
  return { id, kind: "other" };
}

/** The agent name of an `agent:<team>:<name>` systemId, else undefined. */
export function agentName(id: string | undefined): string | undefined {
  if (!id?.startsWith("agent:")) return undefined;
  const info = actorInfo(id);
  return info.kind === "agent" ? info.name : undefined;
}
