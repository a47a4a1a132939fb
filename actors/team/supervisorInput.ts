/**
 * What a team's supervisor starts with: each agent as the supervisor knows it (its tools
 * resolved, its MCP servers connected) and the supervisor's input from the team's options.
 */
import type { AgentInfo, SupervisorInput } from "../../machines/team/context.js";
import type { RetryOptions } from "../../src/agent/retry.js";
import type { McpServerSpec } from "../../src/mcp/spec.js";
import type { CheckedTeam } from "../../src/options/checkTeam.js";
import type { RunStore } from "../../src/store/types.js";
import type { TeamSnapshot } from "../../src/team/snapshot.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import { toolsOf } from "./services.js";

/** Each agent in order; `mcpTools` connects its MCP servers, `providerService` names its provider's service actor. */
export async function agentInfos(
  checked: CheckedTeam,
  teamId: string,
  mcpTools: (specs: readonly McpServerSpec[]) => Promise<ToolEntry[]>,
  providerService: (provider: string) => string,
): Promise<AgentInfo[]> {
  const agents: AgentInfo[] = [];
  for (const agent of checked.agents) {
    const output = agent.output ?? checked.output;
    agents.push({
      name: agent.name,
      model: agent.model,
      description: agent.description,
      instructions: agent.instructions,
      tools: await toolsOf(checked, agent, teamId, mcpTools),
      handoffs: agent.handoffs,
      output: output?.spec,
      filtered: (agent.handoffFilter ?? checked.handoffFilter) !== undefined,
      providerService: providerService(agent.model.provider),
    });
  }
  return agents;
}

/** The supervisor's input; a restored team goes on with its transcript and, if it still has it, its active agent. */
export function supervisorInput(
  checked: CheckedTeam,
  teamId: string,
  agents: AgentInfo[],
  options: { stream: boolean; retry: RetryOptions; store: RunStore; restored: TeamSnapshot | undefined },
): SupervisorInput {
  const { restored, store } = options;
  const active = restored && agents.some((a) => a.name === restored.active) ? restored.active : undefined;
  return {
    teamId,
    agents,
    start: checked.start,
    instructions: checked.instructions,
    policy: typeof checked.policy === "function" ? undefined : checked.policy,
    policyFunction: typeof checked.policy === "function",
    maxSteps: checked.maxSteps,
    maxHandoffs: checked.maxHandoffs,
    handoffMode: checked.handoffMode,
    outputRetries: checked.outputRetries,
    stream: options.stream,
    retry: options.retry,
    toolTimeoutMs: checked.toolTimeoutMs,
    samplingModel: checked.samplingModel,
    strictSettings: checked.strictSettings,
    answers: store.durable ? (store.commitsLater ? "await" : "write") : undefined,
    ...(restored ? { transcript: restored.transcript } : {}),
    ...(active ? { active } : {}),
  };
}
