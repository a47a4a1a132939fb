/** Checks team options into plain, validated values: the agents, their graph, limits and policy. */
import { BatonError } from "../errors.js";
import type { McpServerSpec } from "../mcp/spec.js";
import { checkSettings, type ModelRef, parseModel, parseModelList } from "../models/modelRef.js";
import { checkDecision } from "../policies/decision.js";
import type { HandoffFilter } from "../policies/handoffFilters.js";
import type { Policy } from "../policies/types.js";
import { isTool, type Tool } from "../tools/defineTool.js";
import { type HandoffMode, handoffToolNames } from "../tools/handoffTools.js";
import { describeValue, isPlainObject } from "./describe.js";
import type { AgentDefinition, OutputSchema, TeamOptions } from "./types.js";

export const AGENT_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,48}$/;

/** One agent, checked: its model (settings merged), prompt, tools, servers and graph. */
export interface CheckedAgent {
  name: string;
  model: ModelRef;
  instructions: string | undefined;
  /** What it is good at (its own, else its model's, else the catalog's). */
  description: string;
  /** Its own local tools (the team's come on top). */
  tools: Tool[];
  /** Its own MCP servers (the team's come on top). */
  mcpServers: McpServerSpec[];
  /** The agents it may transfer to or ask. */
  handoffs: string[];
  handoffFilter: HandoffFilter | undefined;
  output: OutputSchema | undefined;
}

export interface CheckedTeam {
  /** Built from `model: [...]`: agents named by model id, today's tool names. */
  shorthand: boolean;
  agents: CheckedAgent[];
  start: string;
  tools: Tool[];
  mcpServers: McpServerSpec[];
  instructions: string | undefined;
  policy: Policy | undefined;
  maxSteps: number;
  maxHandoffs: number;
  handoffMode: HandoffMode;
  handoffFilter: HandoffFilter | undefined;
  toolTimeoutMs: number | undefined;
  samplingModel: string;
  output: OutputSchema | undefined;
  outputRetries: number;
  strictSettings: boolean;
}

const HANDOFF_MODES: readonly HandoffMode[] = ["transfer", "delegate", "both"];

function invalid(message: string): BatonError {
  return new BatonError("INVALID_OPTIONS", message);
}

/** Reads one option; a getter that throws is a clear error, not a crash later. */
export function read(object: object, key: string, where = "options"): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    throw invalid(`Reading ${where}.${key} threw: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

export function checkLimit(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw invalid(`${name} must be a whole number ≥ ${min}; got ${describeValue(value)}.`);
  }
  return value;
}

function checkString(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(`${name} must be a string; got ${describeValue(value)}.`);
  return value;
}

function checkArray<T>(name: string, value: unknown): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(`${name} must be an array; got ${describeValue(value)}.`);
  return [...value] as T[];
}

function checkFunction<T>(name: string, value: unknown): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") throw invalid(`${name} must be a function; got ${describeValue(value)}.`);
  return value as T;
}

function checkOutput(name: string, value: unknown): OutputSchema | undefined {
  if (value === undefined) return undefined;
  const def = typeof value === "object" && value !== null ? (value as { def?: { type?: unknown } }).def : undefined;
  if (def?.type !== "object" || typeof (value as { safeParse?: unknown }).safeParse !== "function") {
    throw invalid(`${name} must be a zod object schema, e.g. z.object({ title: z.string() }); got ${describeValue(value)}.`);
  }
  return value as OutputSchema;
}

function checkTools(where: string, value: unknown): Tool[] {
  if (value !== undefined && !Array.isArray(value)) {
    throw invalid(`${where} must be an array of tools made with defineTool(); got ${value === null ? "null" : typeof value}.`);
  }
  const tools = checkArray<unknown>(where, value);
  tools.forEach((tool, i) => {
    if (!isTool(tool)) {
      throw new BatonError(
        "INVALID_TOOL",
        `${where}[${i}] is not a tool. Create tools with defineTool({ name, description, parameters: z.object({…}), execute }).`,
      );
    }
  });
  return tools as Tool[];
}

function checkPolicy(value: unknown): Policy | undefined {
  if (value === undefined || typeof value === "function") return value as Policy | undefined;
  if (typeof value !== "object" || value === null) {
    throw invalid(`policy must be an object of decisions or a function (context) => decisions; got ${describeValue(value)}.`);
  }
  const checked = checkDecision(value);
  if (!checked.ok) throw new BatonError("POLICY_ERROR", `policy: ${checked.message}`);
  return checked.decision;
}

/** The agents of a team: from `agents`, or one per model of the `model` shorthand. */
function checkAgents(options: TeamOptions): { agents: CheckedAgent[]; shorthand: boolean } {
  const model = read(options, "model");
  const agents = read(options, "agents");
  if (model !== undefined && agents !== undefined) {
    throw invalid("Pass either `model` (a list of models, one agent each) or `agents` (named agents), not both.");
  }
  if (agents === undefined) {
    const models = parseModelList(model as TeamOptions["model"]);
    const all = models.map((m) => m.id);
    return {
      shorthand: true,
      agents: models.map((m) => ({
        name: m.id,
        model: m,
        instructions: undefined,
        description: m.description,
        tools: [],
        mcpServers: [],
        handoffs: all.filter((id) => id !== m.id),
        handoffFilter: undefined,
        output: undefined,
      })),
    };
  }
  const list = checkArray<unknown>("agents", agents);
  if (list.length === 0) throw invalid('agents is empty. Give at least one: agents: [{ name: "writer", model: "openai/gpt-4o-mini" }].');
  const names = new Set<string>();
  const checked = list.map((raw, i): CheckedAgent & { handoffsGiven: unknown } => {
    const where = `agents[${i}]`;
    if (!isPlainObject(raw)) throw invalid(`${where} must be an object { name, model, … }; got ${describeValue(raw)}.`);
    const name = read(raw, "name", where);
    if (typeof name !== "string" || !AGENT_NAME_PATTERN.test(name)) {
      throw invalid(`${where}.name must be 1–48 letters, digits, "_" or "-" (it names the handoff tools); got ${describeValue(name)}.`);
    }
    if (names.has(name)) throw invalid(`Two agents are named "${name}". Agent names must be unique.`);
    names.add(name);
    const rawModel = read(raw, "model", where);
    if (rawModel === undefined)
      throw invalid(`Agent "${name}" has no model. Give it one: { name: "${name}", model: "openai/gpt-4o-mini" }.`);
    const ref = parseModel(rawModel as AgentDefinition["model"]);
    const settings = checkSettings(read(raw, "settings", where), `agent "${name}"`);
    const description = checkString(`Agent "${name}": description`, read(raw, "description", where));
    return {
      name,
      model: { ...ref, settings: { ...ref.settings, ...settings } },
      instructions: checkString(`Agent "${name}": instructions`, read(raw, "instructions", where)),
      description: description ?? ref.description,
      tools: checkTools(`Agent "${name}": tools`, read(raw, "tools", where)),
      mcpServers: checkArray<McpServerSpec>(`Agent "${name}": mcpServers`, read(raw, "mcpServers", where)),
      handoffs: [],
      handoffsGiven: read(raw, "handoffs", where),
      handoffFilter: checkFunction<HandoffFilter>(`Agent "${name}": handoffFilter`, read(raw, "handoffFilter", where)),
      output: checkOutput(`Agent "${name}": output`, read(raw, "output", where)),
    };
  });
  for (const agent of checked) {
    const given = agent.handoffsGiven;
    if (given === undefined) agent.handoffs = checked.filter((a) => a.name !== agent.name).map((a) => a.name);
    else {
      const targets = checkArray<unknown>(`Agent "${agent.name}": handoffs`, given);
      for (const target of targets) {
        if (typeof target !== "string" || !names.has(target)) {
          throw invalid(
            `Agent "${agent.name}": handoffs names ${describeValue(target)}, which is no agent of this team. Agents: ${[...names].join(", ")}.`,
          );
        }
        if (target === agent.name) throw invalid(`Agent "${agent.name}" lists itself in handoffs; an agent cannot hand off to itself.`);
      }
      agent.handoffs = [...new Set(targets as string[])];
    }
  }
  return { shorthand: false, agents: checked.map(({ handoffsGiven: _, ...agent }) => agent) };
}

export function checkTeamOptions(options: TeamOptions): CheckedTeam {
  if (!isPlainObject(options) && !(typeof options === "object" && options !== null && !Array.isArray(options))) {
    throw invalid(`Options must be an object with \`model\` or \`agents\`; got ${describeValue(options)}.`);
  }
  const { agents, shorthand } = checkAgents(options);
  const maxSteps = checkLimit("maxSteps", read(options, "maxSteps"), 1) ?? 10;
  const maxHandoffs = checkLimit("maxHandoffs", read(options, "maxHandoffs"), 0) ?? 10;
  const toolTimeoutMs = checkLimit("toolTimeoutMs", read(options, "toolTimeoutMs"), 1);
  const outputRetries = checkLimit("outputRetries", read(options, "outputRetries"), 0) ?? 1;
  const handoffMode = (read(options, "handoffs") ?? "transfer") as HandoffMode;
  if (!HANDOFF_MODES.includes(handoffMode)) {
    throw invalid(`handoffs must be one of ${HANDOFF_MODES.join(", ")}; got ${describeValue(handoffMode)}.`);
  }
  const start = checkString("start", read(options, "start")) ?? agents[0]!.name;
  if (!agents.some((a) => a.name === start)) {
    throw invalid(`start names "${start}", which is no agent of this team. Agents: ${agents.map((a) => a.name).join(", ")}.`);
  }
  const samplingModel = checkString("samplingModel", read(options, "samplingModel"));
  if (samplingModel !== undefined && !agents.some((a) => a.model.id === samplingModel)) {
    throw invalid(`samplingModel "${samplingModel}" is not in this team: ${[...new Set(agents.map((a) => a.model.id))].join(", ")}.`);
  }
  const strictSettings = read(options, "strictSettings");
  if (strictSettings !== undefined && typeof strictSettings !== "boolean") {
    throw invalid(`strictSettings must be true or false; got ${describeValue(strictSettings)}.`);
  }
  const tools = checkTools("tools", read(options, "tools"));
  const team: CheckedTeam = {
    shorthand,
    agents,
    start,
    tools,
    mcpServers: checkArray<McpServerSpec>("mcpServers", read(options, "mcpServers")),
    instructions: checkString("instructions", read(options, "instructions")),
    policy: checkPolicy(read(options, "policy")),
    maxSteps,
    maxHandoffs,
    handoffMode,
    handoffFilter: checkFunction<HandoffFilter>("handoffFilter", read(options, "handoffFilter")),
    toolTimeoutMs,
    samplingModel: samplingModel ?? agents.find((a) => a.name === start)!.model.id,
    output: checkOutput("output", read(options, "output")),
    outputRetries,
    strictSettings: strictSettings === true,
  };
  checkToolNames(team);
  return team;
}

/** Within one agent's tool set (its own, the team's and its handoff tools) every name is used once. */
function checkToolNames(team: CheckedTeam): void {
  for (const agent of team.agents) {
    const names = new Map<string, string>();
    for (const name of handoffToolNames(team, agent.name)) names.set(name, "a handoff tool");
    const label = team.shorthand ? "" : ` in the tools of agent "${agent.name}"`;
    for (const [tool, owner] of [
      ...team.tools.map((t) => [t, "a tool of the team"] as const),
      ...agent.tools.map((t) => [t, `one of its own tools`] as const),
    ]) {
      const clash = names.get(tool.name);
      if (clash) {
        throw new BatonError(
          "TOOL_CONFLICT",
          `Tool name "${tool.name}" is used twice${label} (it clashes with ${clash}). Rename one of them.`,
        );
      }
      names.set(tool.name, owner === "a tool of the team" ? "a tool of the team" : "another of its own tools");
    }
  }
}
