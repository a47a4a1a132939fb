import { BatonError } from "../errors.js";
import { describeValue } from "../options/describe.js";
import type { ModelUsage } from "../result.js";
import { checkMessages, type Message } from "../transcript/index.js";

export const SNAPSHOT_VERSION = 2;

/** A team's state as versioned JSON: enough to continue the conversation. Never secrets. */
export interface TeamSnapshot {
  version: typeof SNAPSHOT_VERSION;
  teamId: string;
  /** The team's agents (names are model ids in the model-list shorthand). */
  agents: Array<{ name: string; model: string }>;
  /** The agent that holds the task. */
  active: string;
  transcript: Message[];
  runs: number;
  stepsUsed: number;
  handoffs: number;
  usage: { inputTokens: number; outputTokens: number; byModel: Record<string, ModelUsage>; byAgent: Record<string, ModelUsage> };
  takenAt: string;
}

/** Version 1 (before named agents): models instead of agents, usage by model only. */
export interface TeamSnapshotV1 {
  version: 1;
  teamId: string;
  models: string[];
  activeModel: string;
  transcript: Message[];
  runs: number;
  stepsUsed: number;
  handoffs: number;
  usage: { inputTokens: number; outputTokens: number; byModel: Record<string, ModelUsage> };
  takenAt: string;
}

/** Reads a snapshot of any version this baton knows, as the current version. */
export function checkSnapshot(value: unknown): TeamSnapshot {
  const snap = value as { version?: unknown; transcript?: unknown } | null;
  if (!snap || typeof snap !== "object" || !Array.isArray(snap.transcript)) {
    throw new BatonError("INVALID_OPTIONS", `from must be a snapshot returned by team.snapshot(); got ${describeValue(value)}.`);
  }
  const transcript = checkMessages(snap.transcript, "from.transcript");
  if (typeof transcript === "string") throw new BatonError("INVALID_OPTIONS", transcript);
  if (snap.version === 1) {
    const v1 = snap as unknown as TeamSnapshotV1;
    return {
      version: SNAPSHOT_VERSION,
      teamId: v1.teamId,
      agents: (v1.models ?? []).map((model) => ({ name: model, model })),
      active: v1.activeModel,
      transcript,
      runs: v1.runs ?? 0,
      stepsUsed: v1.stepsUsed ?? 0,
      handoffs: v1.handoffs ?? 0,
      usage: {
        inputTokens: v1.usage?.inputTokens ?? 0,
        outputTokens: v1.usage?.outputTokens ?? 0,
        byModel: { ...(v1.usage?.byModel ?? {}) },
        // In version 1 every agent was a model, named by its id.
        byAgent: { ...(v1.usage?.byModel ?? {}) },
      },
      takenAt: v1.takenAt,
    };
  }
  if (snap.version !== SNAPSHOT_VERSION) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `Snapshot version ${describeValue(snap.version)} is not supported; this baton reads versions 1 and ${SNAPSHOT_VERSION}.`,
    );
  }
  return { ...(snap as unknown as TeamSnapshot), transcript };
}
