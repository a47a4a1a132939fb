// The public surface of baton. Nothing else is part of the contract.

export type { RetryOptions } from "./agent/retry.js";
export { BatonError, type BatonErrorCode, type ErrorData, isBatonError } from "./errors.js";
export type { AtStep, RunEvent, RunEventListeners, RunEventMap, RunEventName, Tagged } from "./events.js";
export type { ElicitationFn, ElicitationRequest, ElicitationResponse, McpOptions, McpRoot } from "./mcp/options.js";
export type { McpServerSpec } from "./mcp/spec.js";
export { MODEL_CATALOG } from "./models/catalog.js";
export type { ModelInput } from "./models/modelRef.js";
export type { AgentDefinition, OutputSchema, RunOptions, TeamOptions, TeamRunOptions } from "./options/types.js";
export type { HandoffFilter } from "./policies/handoffFilters.js";
export * as policies from "./policies/index.js";
export type { Policy, PolicyContext, PolicyDecision, PolicyFunction } from "./policies/types.js";
export type { ProviderConfig, ProvidersConfig } from "./providers/config.js";
export type { ModelSettings, StopReason, Usage } from "./providers/types.js";
export type {
  HandoffRecord,
  ModelUsage,
  RunResult,
  RunStatus,
  RunUsage,
  RunWarning,
  StepRecord,
  ToolCallRecord,
} from "./result.js";
export { type OutputOf, Runner, type RunnerOptions } from "./runner.js";
export { RunStream } from "./runStream.js";
export type { TeamSnapshot, TeamSnapshotV1 } from "./team/snapshot.js";
export { Team } from "./team.js";
export { defineTool, type Tool, type ToolContext, type ToolDefinition } from "./tools/defineTool.js";
export type { HandoffMode } from "./tools/handoffTools.js";
export {
  type AssistantMessage,
  type Content,
  type ContentPart,
  contentText,
  type FilePart,
  type ImagePart,
  type Message,
  type ProviderPart,
  type SystemMessage,
  type TextPart,
  type ToolCall,
  type ToolMessage,
  type UserMessage,
} from "./transcript/index.js";
