/**
 * Every actor's systemId, built here and nowhere else. Messages name their receiver and their
 * `replyTo` by these strings (never by actor reference), so a message stays plain data.
 */
export const address = {
  /** A team's supervisor. */
  team: (teamId: string) => `team:${teamId}`,
  /** One agent of a team (in the model-list shorthand the agent's name is its model id). */
  agent: (teamId: string, agent: string) => `agent:${teamId}:${agent}`,
  /** A team's local tools. */
  tools: (teamId: string) => `tools:${teamId}`,
  /** A team's event channel: progress, text deltas and listener errors. */
  events: (teamId: string) => `events:${teamId}`,
  /** A team's user callbacks (policy function, handoff filter). */
  callbacks: (teamId: string) => `callbacks:${teamId}`,
  /** The Runner's service for one provider's model calls. */
  provider: (name: string) => `provider:${name}`,
  /** The Runner's service for one MCP server. */
  mcp: (server: string) => `mcp:${server}`,
} as const;
