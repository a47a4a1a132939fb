import { BatonError } from "../errors.js";
import type { ModelUsage } from "../result.js";
import type { Message } from "../transcript/index.js";

export const SNAPSHOT_VERSION = 1;

/** A team's state as versioned JSON: enough to continue the conversation. Never secrets. */
export interface TeamSnapshot {
  version: typeof SNAPSHOT_VERSION;
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

export function checkSnapshot(value: unknown): TeamSnapshot {
  const snap = value as Partial<TeamSnapshot> | null;
  if (!snap || typeof snap !== "object" || !Array.isArray(snap.transcript)) {
    throw new BatonError("INVALID_OPTIONS", "from must be a snapshot returned by team.snapshot().");
  }
  if (snap.version !== SNAPSHOT_VERSION) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `Snapshot version ${String(snap.version)} is not supported; this baton reads version ${SNAPSHOT_VERSION}.`,
    );
  }
  return snap as TeamSnapshot;
}
