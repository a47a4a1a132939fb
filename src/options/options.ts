/** The options of runs and teams, and their validation into plain, checked values. */

import type { McpServerSpec } from "../../actors/mcp/pool.js";
import type { HandoffFilter } from "../../machines/team/supervisor.js";
import { BatonError } from "../errors.js";
import { type ModelInput, type ModelRef, parseModelList } from "../models/modelRef.js";
import type { Policy } from "../policies/types.js";
import type { TeamSnapshot } from "../team/snapshot.js";
import { isTool, type Tool } from "../tools/defineTool.js";
import { type HandoffMode, handoffTools } from "../tools/handoffTools.js";
import type { Message } from "../transcript/index.js";

export interface TeamOptions {
  /** One model or a list; the first starts. `"provider/model"` or `{ model, settings, description }`. */
  model: ModelInput | readonly ModelInput[];
  mcpServers?: readonly McpServerSpec[];
  tools?: readonly Tool[];
  /** System prompt for every model. */
  instructions?: string;
  policy?: Policy;
  /** Model calls per run (default 10). */
  maxSteps?: number;
  /** Handoffs per run (default 10). */
  maxHandoffs?: number;
  /** `transfer` (default): give the task away; `delegate`: ask another model and continue; `both`. */
  handoffs?: HandoffMode;
  /** Decides what a receiving model sees of the transcript (default: everything). */
  handoffFilter?: HandoffFilter;
  /** Timeout for each local tool call, in ms. */
  toolTimeoutMs?: number;
  /** Model that answers MCP sampling requests (default: the first model). */
  samplingModel?: string;
  /** Continue a conversation from `team.snapshot()`. */
  from?: TeamSnapshot;
}

export interface RunOptions extends TeamOptions {
  input: string;
  /** Earlier conversation; `input` is appended to it. */
  messages?: readonly Message[];
  signal?: AbortSignal;
}

export interface TeamRunOptions {
  signal?: AbortSignal;
  messages?: readonly Message[];
  maxSteps?: number;
  maxHandoffs?: number;
}

export interface CheckedTeamOptions {
  models: ModelRef[];
  tools: Tool[];
  mcpServers: McpServerSpec[];
  maxSteps: number;
  maxHandoffs: number;
  handoffMode: HandoffMode;
}

const HANDOFF_MODES: readonly HandoffMode[] = ["transfer", "delegate", "both"];

export function checkLimit(name: string, value: unknown, min: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new BatonError("INVALID_OPTIONS", `${name} must be a whole number ≥ ${min}; got ${JSON.stringify(value)}.`);
  }
}

export function checkTeamOptions(options: TeamOptions): CheckedTeamOptions {
  if (typeof options !== "object" || options === null)
    throw new BatonError("INVALID_OPTIONS", "Options must be an object with at least `model`.");
  const models = parseModelList(options.model);
  checkLimit("maxSteps", options.maxSteps, 1);
  checkLimit("maxHandoffs", options.maxHandoffs, 0);
  const handoffMode = options.handoffs ?? "transfer";
  if (!HANDOFF_MODES.includes(handoffMode)) {
    throw new BatonError("INVALID_OPTIONS", `handoffs must be one of ${HANDOFF_MODES.join(", ")}; got ${JSON.stringify(handoffMode)}.`);
  }
  if (
    options.policy !== undefined &&
    typeof options.policy !== "function" &&
    (typeof options.policy !== "object" || options.policy === null)
  ) {
    throw new BatonError("INVALID_OPTIONS", "policy must be an object of decisions or a function (context) => decisions.");
  }
  if (options.samplingModel !== undefined && !models.some((m) => m.id === options.samplingModel)) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `samplingModel "${options.samplingModel}" is not in this team: ${models.map((m) => m.id).join(", ")}.`,
    );
  }
  if (options.tools !== undefined && !Array.isArray(options.tools)) {
    throw new BatonError("INVALID_OPTIONS", `tools must be an array of tools made with defineTool(); got ${typeof options.tools}.`);
  }
  const tools = [...(options.tools ?? [])];
  const names = new Map<string, string>();
  for (const model of models) for (const spec of handoffTools(models, model.id, handoffMode).specs) names.set(spec.name, "a handoff tool");
  tools.forEach((tool, i) => {
    if (!isTool(tool)) {
      throw new BatonError(
        "INVALID_TOOL",
        `tools[${i}] is not a tool. Create tools with defineTool({ name, description, parameters: z.object({…}), execute }).`,
      );
    }
    const clash = names.get(tool.name);
    if (clash)
      throw new BatonError("TOOL_CONFLICT", `Tool name "${tool.name}" is used twice (it clashes with ${clash}). Rename one of them.`);
    names.set(tool.name, "another local tool");
  });
  return {
    models,
    tools,
    mcpServers: [...(options.mcpServers ?? [])],
    maxSteps: options.maxSteps ?? 10,
    maxHandoffs: options.maxHandoffs ?? 10,
    handoffMode,
  };
}

export function checkRunInput(options: { input?: unknown; messages?: unknown }): void {
  if (typeof options.input !== "string") {
    throw new BatonError(
      "INVALID_OPTIONS",
      `input must be a string (the user's message); got ${options.input === undefined ? "nothing" : typeof options.input}.`,
    );
  }
  if (options.messages !== undefined && !Array.isArray(options.messages)) {
    throw new BatonError("INVALID_OPTIONS", "messages must be an array of transcript messages ({ role, content }).");
  }
}
