/** What the trace viewer draws: plain data computed by timeline.ts, rendered by html.ts. */
import type { Message } from "../transcript/index.js";
import type { ActorKind } from "./actors.js";

export interface DetailSection {
  label: string;
  text?: string;
  json?: unknown;
}

/** What a click on a bar shows. */
export interface Detail {
  title: string;
  subtitle?: string;
  sections: DetailSection[];
}

export interface Lane {
  id: string;
  kind: ActorKind;
  label: string;
  /** Rows of bars within the lane (tool calls in parallel take a row each). */
  rows: number;
}

export type BarKind = "model" | "tool" | "delegation" | "service" | "turn";

export interface Bar {
  id: string;
  lane: string;
  row: number;
  kind: BarKind;
  /** ms from the run's start. */
  start: number;
  end: number;
  label: string;
  status: "ok" | "error" | "retried" | "open";
  agent?: string;
  step?: number;
  /** A service bar mirrors a call drawn in its agent's lane: the id of that bar. */
  of?: string;
  detail?: Detail;
}

export interface Arrow {
  kind: "handoff" | "delegation" | "answer";
  from: string;
  to: string;
  /** ms from the run's start, at each end. */
  t1: number;
  t2: number;
  label: string;
}

export interface Marker {
  kind: "retry" | "policy" | "grant" | "deny" | "final" | "failed";
  lane: string;
  t: number;
  label: string;
}

export interface AgentSummary {
  agent: string;
  model: string;
  calls: number;
  retries: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Undefined when a model used has no price in the catalog. */
  costUSD?: number;
}

export interface TranscriptEntry {
  role: Message["role"];
  by?: string;
  text: string;
  toolCalls?: Array<{ id: string; name: string; args: string }>;
  toolCallId?: string;
  isError?: boolean;
}

export interface RunView {
  runId: string;
  teamId: string;
  input: string;
  status: string;
  reason?: string;
  finalOutput?: string;
  error?: string;
  /** Epoch ms of the run's start; bars are relative to it. */
  startedAt: number;
  durationMs: number;
  lanes: Lane[];
  bars: Bar[];
  arrows: Arrow[];
  markers: Marker[];
  agents: AgentSummary[];
  totals: { inputTokens: number; outputTokens: number; costUSD?: number };
  transcript: TranscriptEntry[];
}

export interface TraceView {
  startedAt?: string;
  detail?: string;
  runs: RunView[];
}
