import type { ToolSpec } from "../providers/types.js";

export type HandoffMode = "transfer" | "delegate" | "both";

const MAX_NAME = 64;

function toolSuffix(agent: string): string {
  return agent.replace(/[^a-zA-Z0-9_-]/g, "_");
}

/** `transfer_to_<agent name with non [a-zA-Z0-9_-] replaced by _>`, at most 64 characters. */
export function transferToolName(agent: string): string {
  return `transfer_to_${toolSuffix(agent)}`.slice(0, MAX_NAME);
}

/** `ask_<agent name …>`: the delegation tool for an agent. */
export function delegateToolName(agent: string): string {
  return `ask_${toolSuffix(agent)}`.slice(0, MAX_NAME);
}

export interface HandoffTarget {
  kind: "transfer" | "delegate";
  /** The agent's name. */
  to: string;
}

/** An agent another agent may hand off to or ask. */
export interface HandoffPeer {
  name: string;
  /** What it is good at (may be empty). */
  description: string;
}

/**
 * The handoff tools one agent sees: one (or two, in `both` mode) per agent it may hand off to,
 * in the order given. Names that collide after truncation get a numeric suffix so each maps to
 * exactly one agent.
 */
export function handoffTools(peers: readonly HandoffPeer[], mode: HandoffMode): { specs: ToolSpec[]; targets: Map<string, HandoffTarget> } {
  const specs: ToolSpec[] = [];
  const targets = new Map<string, HandoffTarget>();
  const add = (base: string, target: HandoffTarget, spec: Omit<ToolSpec, "name">) => {
    let name = base;
    for (let n = 2; targets.has(name); n++) name = `${base.slice(0, MAX_NAME - String(n).length - 1)}_${n}`;
    targets.set(name, target);
    specs.push({ name, ...spec });
  };
  for (const peer of peers) {
    const strengths = peer.description ? ` ${peer.description}` : "";
    if (mode === "transfer" || mode === "both") {
      add(
        transferToolName(peer.name),
        { kind: "transfer", to: peer.name },
        {
          description: `Hand the whole task to ${peer.name}, which takes over the conversation and answers the user.${strengths} Use it when that agent suits the rest of the work better.`,
          parameters: {
            type: "object",
            properties: {
              reason: { type: "string", description: "Why the task moves to this agent." },
              task: { type: "string", description: "What the receiving agent should do next." },
            },
            additionalProperties: false,
          },
        },
      );
    }
    if (mode === "delegate" || mode === "both") {
      add(
        delegateToolName(peer.name),
        { kind: "delegate", to: peer.name },
        {
          description: `Ask ${peer.name} to do a subtask and return its answer to you; you keep the task.${strengths}`,
          parameters: {
            type: "object",
            properties: { task: { type: "string", description: "The subtask, self-contained." } },
            required: ["task"],
            additionalProperties: false,
          },
        },
      );
    }
  }
  return { specs, targets };
}

/** The peers an agent may hand off to, in its `handoffs` order. */
export function peersOf(
  team: { agents: readonly { name: string; description: string; handoffs: readonly string[] }[] },
  self: string,
): HandoffPeer[] {
  const agent = team.agents.find((a) => a.name === self);
  if (!agent) return [];
  return agent.handoffs.flatMap((name) => {
    const peer = team.agents.find((a) => a.name === name);
    return peer ? [{ name: peer.name, description: peer.description }] : [];
  });
}

/** The names of the handoff tools an agent is offered. */
export function handoffToolNames(
  team: { agents: readonly { name: string; description: string; handoffs: readonly string[] }[]; handoffMode: HandoffMode },
  self: string,
): string[] {
  return handoffTools(peersOf(team, self), team.handoffMode).specs.map((s) => s.name);
}
