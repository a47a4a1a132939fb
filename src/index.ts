// The public surface of baton. Nothing else is part of the contract.

export type { OAuthClientProvider, OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
export type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
export { type McpLoginOptions, type McpLoginResult, mcpLogin, mcpLogout } from "../actors/mcp/auth/login.js";
export type { OpenAuthorizationUrl } from "../actors/mcp/auth/session.js";
export { fileTokenStore, memoryTokenStore } from "../actors/mcp/auth/tokenStore.js";
export { createOtelObserver, type OtelObserver, type OtelObserverOptions, type ToolCallRef } from "../actors/observability/otel.js";
export { createTraceRecorder, type TraceRecorder, type TraceRecorderOptions, type TraceTarget } from "../actors/observability/traceFile.js";
export { type RedisEngineOptions, redisEngine } from "../actors/redis/engine.js";
export { memoryStore } from "../actors/store/memory.js";
export { sqliteStore } from "../actors/store/sqlite.js";
export type { RetryOptions } from "./agent/retry.js";
export type { Engine, EngineJob, EngineWorkOptions, JobExecutor, JobOutcome } from "./engine/types.js";
export { BatonError, type BatonErrorCode, type ErrorData, isBatonError } from "./errors.js";
export type { AtStep, RunEvent, RunEventListeners, RunEventMap, RunEventName, Tagged, ToolOrigin } from "./events.js";
export type { RequireApproval } from "./mcp/approval.js";
export type { McpAuth, McpAuthProvider, McpClientCredentials, McpOAuth } from "./mcp/auth/config.js";
export type { McpAuthRecord, McpTokenStore } from "./mcp/auth/store.js";
export type { ElicitationFn, ElicitationHandler, ElicitationRequest, ElicitationResponse, McpOptions, McpRoot } from "./mcp/options.js";
export type { RegistrySource } from "./mcp/registry.js";
export type { HttpTransportMode, McpHttpServerSpec, McpServerSpec, McpStdioServerSpec } from "./mcp/spec.js";
export { type CatalogEntry, MODEL_CATALOG, type ModelCapabilities, type SettingName } from "./models/catalog.js";
export type { ModelInput } from "./models/modelRef.js";
export type { TraceDetail } from "./observability/compact.js";
export { renderTraceHtml } from "./observability/html.js";
export {
  TRACE_FORMAT,
  TRACE_VERSION,
  type TraceActorRecord,
  type TraceEventRecord,
  type TraceMessageRecord,
  type TraceMetaRecord,
  type TraceRecord,
  type TraceTags,
} from "./observability/records.js";
export type { OutputOf, RunnerOptions } from "./options/runnerOptions.js";
export type {
  AgentDefinition,
  OutputSchema,
  ResumeDecisions,
  ResumeOptions,
  RunOptions,
  TeamOptions,
  TeamRunOptions,
  TeamStartOptions,
  TraceOption,
  TraceSettings,
} from "./options/types.js";
export type { HandoffFilter } from "./policies/handoffFilters.js";
export * as policies from "./policies/index.js";
export type { Policy, PolicyContext, PolicyDecision, PolicyFunction } from "./policies/types.js";
export type { ProviderConfig, ProvidersConfig } from "./providers/config.js";
export type { SimFault, SimRequest, SimScript, SimTurn } from "./providers/simScript.js";
export type { ModelRequest, ModelResponse, ModelSettings, OutputSpec, Provider, StopReason, ToolSpec, Usage } from "./providers/types.js";
export type {
  HandoffRecord,
  Interruption,
  ModelUsage,
  RunResult,
  RunStatus,
  RunUsage,
  RunWarning,
  StepRecord,
  ToolCallRecord,
} from "./result.js";
export { Runner } from "./runner.js";
export { RunStream } from "./runStream.js";
export {
  CHECKPOINT_VERSION,
  type CheckpointKind,
  type CheckpointRecord,
  type PendingStep,
  type RunOrigin,
  type RunSummary,
} from "./store/records.js";
export type { RunStore } from "./store/types.js";
export { SNAPSHOT_VERSION, type TeamSnapshot, type TeamSnapshotV1 } from "./team/snapshot.js";
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
