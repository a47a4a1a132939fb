// The public surface of baton. Nothing else is part of the contract.

export type { HandoffFilter } from "../machines/supervisor.js";
export { BatonError, type BatonErrorCode, isBatonError } from "./errors.js";
export type { RunEvent, RunEventMap, RunEventName } from "./events.js";
export type { McpOptions, McpServerSpec } from "./mcp/pool.js";
export { MODEL_CATALOG } from "./models/catalog.js";
export type { ModelInput } from "./models/modelRef.js";
export type { RunOptions, TeamOptions, TeamRunOptions } from "./options.js";
export * as policies from "./policies/index.js";
export type { Policy, PolicyContext, PolicyDecision, PolicyFunction } from "./policies/types.js";
export type { ProviderConfig, ProvidersConfig } from "./providers/config.js";
export type { ModelSettings } from "./providers/types.js";
export type { HandoffRecord, ModelUsage, RunResult, RunStatus, RunUsage, StepRecord, ToolCallRecord } from "./result.js";
export { Runner, type RunnerOptions } from "./runner.js";
export { RunStream } from "./runStream.js";
export { Team } from "./team.js";
export type { TeamSnapshot } from "./teamSnapshot.js";
export { defineTool, type Tool, type ToolContext, type ToolDefinition } from "./tools/defineTool.js";
export type { HandoffMode } from "./tools/handoffTools.js";
export type { AssistantMessage, Message, SystemMessage, ToolCall, ToolMessage, UserMessage } from "./transcript.js";
