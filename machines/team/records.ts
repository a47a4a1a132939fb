/** Checkpoint records as the supervisor writes them (src/store/records.ts says what each holds). */
import { CHECKPOINT_VERSION, type CheckpointRecord, type RunOrigin } from "../../src/store/records.js";
import type { SupervisorContext } from "./context.js";
import type { RunRequest } from "./protocol.js";

type Body<K extends CheckpointRecord["kind"]> = Omit<Extract<CheckpointRecord, { kind: K }>, "kind" | "v" | "at">;

export function record<K extends CheckpointRecord["kind"]>(kind: K, at: number, body: Body<K>): CheckpointRecord {
  return { kind, v: CHECKPOINT_VERSION, at, ...body } as CheckpointRecord;
}

/** What a run was started with, by name: a resume checks its definition against it. */
export function originOf(context: SupervisorContext, event: RunRequest, active: string, maxSteps: number, maxHandoffs: number): RunOrigin {
  const origin: RunOrigin = {
    // Local tools by name: what a resume's definition must have again (MCP tools come from the servers).
    agents: context.config.agents.map((a) => ({
      name: a.name,
      model: a.model.id,
      tools: a.tools.filter((t) => t.source === "local").map((t) => t.spec.name),
    })),
    start: active,
    maxSteps,
    maxHandoffs,
  };
  if (event.origin?.team !== undefined) origin.team = event.origin.team;
  if (event.origin?.meta !== undefined) origin.meta = event.origin.meta;
  return origin;
}
