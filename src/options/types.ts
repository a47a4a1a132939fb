/** The options of teams and runs, as users write them (the contract of DESIGN §1 and §9). */
import type { z } from "zod";
import type { McpServerSpec } from "../mcp/spec.js";
import type { ModelInput } from "../models/modelRef.js";
import type { HandoffFilter } from "../policies/handoffFilters.js";
import type { Policy } from "../policies/types.js";
import type { ModelSettings } from "../providers/types.js";
import type { TeamSnapshot } from "../team/snapshot.js";
import type { Tool } from "../tools/defineTool.js";
import type { HandoffMode } from "../tools/handoffTools.js";
import type { Content, Message } from "../transcript/index.js";

/** A zod object schema for typed final output. */
export type OutputSchema = z.ZodObject;

/** One named agent of a team. */
export interface AgentDefinition {
  /** Unique in the team: 1–48 of `a-z A-Z 0-9 _ -`. Handoff tools are `transfer_to_<name>` / `ask_<name>`. */
  name: string;
  /** `"provider/model"` or `{ model, settings, description }`. Several agents may share a model. */
  model: ModelInput;
  /** This agent's system prompt, after the team's `instructions`. */
  instructions?: string;
  /** What this agent is good at: goes into the handoff and delegation tools (default from the catalog). */
  description?: string;
  /** This agent's own tools, on top of the team's. */
  tools?: readonly Tool[];
  /** This agent's own MCP servers, on top of the team's. */
  mcpServers?: readonly McpServerSpec[];
  /** Generation settings, over the model's own. */
  settings?: ModelSettings;
  /** Names this agent may transfer to or ask. Default: every other agent; `[]`: none. */
  handoffs?: readonly string[];
  /** What this agent sees of the transcript when the task is handed to it (over the team's filter). */
  handoffFilter?: HandoffFilter;
  /** Typed final output when this agent gives the final answer (over the team's `output`). */
  output?: OutputSchema;
}

export interface TeamOptions {
  /** The shorthand: one model or a list, one agent per model, named by its model id; the first starts. */
  model?: ModelInput | readonly ModelInput[];
  /** Named agents; the first starts unless `start` says otherwise. Not together with `model`. */
  agents?: readonly AgentDefinition[];
  /** The agent that starts (named teams). */
  start?: string;
  /** MCP servers offered to every agent. */
  mcpServers?: readonly McpServerSpec[];
  /** Local tools offered to every agent. */
  tools?: readonly Tool[];
  /** System prompt for every agent (before each agent's own). */
  instructions?: string;
  policy?: Policy;
  /** Model calls per run (default 10). */
  maxSteps?: number;
  /** Handoffs per run, by models, policies and fallbacks alike (default 10). */
  maxHandoffs?: number;
  /** `transfer` (default): give the task away; `delegate`: ask another agent and continue; `both`. */
  handoffs?: HandoffMode;
  /** Decides what a receiving agent sees of the transcript (default: everything). */
  handoffFilter?: HandoffFilter;
  /** Timeout for each local tool call, in ms. */
  toolTimeoutMs?: number;
  /** Model that answers MCP sampling requests (default: the first agent's model). */
  samplingModel?: string;
  /** Continue a conversation from `team.snapshot()` (version 1 or 2). */
  from?: TeamSnapshot | Record<string, unknown>;
  /** Typed final output: `finalOutput` is parsed and validated with this schema. */
  output?: OutputSchema;
  /** Repair turns after an answer that does not match `output` (default 1). */
  outputRetries?: number;
  /** A setting a model does not take is an error before any call, instead of dropped with a warning. */
  strictSettings?: boolean;
}

export interface RunOptions extends TeamOptions {
  /** A team defined with `runner.define(name, options)`: its options, instead of giving them here. */
  team?: string;
  /** The user's message: text, or a list of parts (text, image, file). */
  input: Content;
  /** Earlier conversation; `input` is appended to it. */
  messages?: readonly Message[];
  signal?: AbortSignal;
  /**
   * Your own data about the run (plain JSON: who asked, from where), written with its first
   * checkpoint and given back by `runner.unfinishedRuns()`. Never put secrets here.
   */
  meta?: Record<string, unknown>;
  /** Record this run: a trace file path (`baton trace` renders it), or trace settings. */
  trace?: TraceOption;
}

/**
 * A run's or a team's trace. A string is `{ file }`. OpenTelemetry spans are made whenever an
 * SDK is registered; these settings add a trace file and message content in the spans.
 */
export type TraceOption = string | TraceSettings;

export interface TraceSettings {
  /** Write every event and every actor message, with timestamps, to this JSON Lines file. */
  file?: string;
  /** Put message content (prompts, answers, tool arguments and results) in the OTel spans. Default false. */
  captureContent?: boolean;
}

/** `runner.team` options: a team's options, or a defined team's name, and the team's trace. */
export interface TeamStartOptions extends TeamOptions {
  /** A team defined with `runner.define(name, options)`. */
  team?: string;
  /** Record every run of this team (one file for the team's life, closed when it stops). */
  trace?: TraceOption;
}

export interface TeamRunOptions {
  signal?: AbortSignal;
  messages?: readonly Message[];
  maxSteps?: number;
  maxHandoffs?: number;
  /** As `RunOptions.meta`: your own JSON data, written with the run's first checkpoint. */
  meta?: Record<string, unknown>;
}

/** What a person decided on the calls an interrupted run waits for, by `interruptions[i].id`. */
export interface ResumeDecisions {
  approve?: readonly string[];
  /** Refused calls: the model reads `message` as the tool's result. */
  reject?: ReadonlyArray<{ id: string; message?: string }>;
  signal?: AbortSignal;
}

/** `runner.resume` of a run started with inline options: the same options again, with any decisions. */
export type ResumeOptions = ResumeDecisions & Partial<TeamOptions>;
