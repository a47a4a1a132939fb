/**
 * What a team's agents can call and who answers: each agent's tool list (the team's and its own,
 * local and MCP) and the per-team actors that hold the effects (local tools, user callbacks, the
 * event channel).
 */
import type { AnyActorLogic } from "xstate";
import { address } from "../../machines/addresses.js";
import { BatonError } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import type { McpServerSpec } from "../../src/mcp/spec.js";
import type { CheckedAgent, CheckedTeam } from "../../src/options/checkTeam.js";
import type { OutputSchema } from "../../src/options/types.js";
import type { HandoffFilter } from "../../src/policies/handoffFilters.js";
import type { Tool } from "../../src/tools/defineTool.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import type { Clock } from "../shared/clock.js";
import { localTools } from "../tools/localTools.js";
import { type CallbacksInput, callbacks } from "./callbacks.js";
import { eventChannel } from "./eventChannel.js";

/** The name a local tool has in the team's tools actor: its own for the team's tools, `<agent>/<name>` for an agent's. */
const localKey = (owner: string | undefined, tool: Tool) => (owner === undefined ? tool.name : `${owner}/${tool.name}`);

/** Every tool of one agent: the team's and its own, local and MCP; a clash is an error. */
export async function toolsOf(
  checked: CheckedTeam,
  agent: CheckedAgent,
  teamId: string,
  mcpTools: (specs: readonly McpServerSpec[]) => Promise<ToolEntry[]>,
): Promise<ToolEntry[]> {
  const tools: ToolEntry[] = [];
  const service = address.tools(teamId);
  for (const [owner, list] of [
    [undefined, checked.tools],
    [agent.name, agent.tools],
  ] as const) {
    for (const tool of list) {
      tools.push({
        spec: { name: tool.name, description: tool.description, parameters: tool.jsonSchema },
        service,
        remoteName: localKey(owner, tool),
        source: "local",
      });
    }
  }
  const specs = [...checked.mcpServers, ...agent.mcpServers];
  if (specs.length === 0) return tools;
  const mcp = await mcpTools(specs);
  const taken = new Set(tools.map((t) => t.spec.name));
  for (const entry of mcp) {
    if (taken.has(entry.spec.name)) {
      const who = checked.shorthand ? "" : ` of agent "${agent.name}"`;
      throw new BatonError(
        "TOOL_CONFLICT",
        `MCP tool "${entry.spec.name}" (server ${entry.source}) clashes with a local tool${who} of the same name. Rename the local tool.`,
      );
    }
  }
  return [...tools, ...mcp];
}

/** Starts the actors that hold the team's effects: local tools, user callbacks, the event channel. */
export function spawnServices(
  checked: CheckedTeam,
  teamId: string,
  stream: boolean,
  clock: Clock,
  start: (logic: AnyActorLogic, systemId: string, input: unknown) => void,
  deliver: (event: RunEvent) => void,
): void {
  const tools: Record<string, Tool> = {};
  for (const tool of checked.tools) tools[localKey(undefined, tool)] = tool;
  for (const agent of checked.agents) for (const tool of agent.tools) tools[localKey(agent.name, tool)] = tool;
  if (Object.keys(tools).length) start(localTools, address.tools(teamId), { tools, clock });
  const filters: Record<string, HandoffFilter> = {};
  const outputs: Record<string, OutputSchema> = {};
  if (checked.handoffFilter) filters["*"] = checked.handoffFilter;
  if (checked.output) outputs["*"] = checked.output.schema;
  for (const agent of checked.agents) {
    if (agent.handoffFilter) filters[agent.name] = agent.handoffFilter;
    if (agent.output) outputs[agent.name] = agent.output.schema;
  }
  const policy = typeof checked.policy === "function" ? checked.policy : undefined;
  if (policy || Object.keys(filters).length || Object.keys(outputs).length) {
    const input: CallbacksInput = { teamId, policy, filters, outputs, clock };
    start(callbacks, address.callbacks(teamId), input);
  }
  if (stream) start(eventChannel, address.events(teamId), { teamId, deliver });
}
