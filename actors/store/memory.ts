import type { CheckpointRecord, RunSummary } from "../../src/store/records.js";
import type { RunStore } from "../../src/store/types.js";
import { summaryOf } from "./summary.js";

/**
 * Checkpoints in this process's memory: the default store. Interrupted runs resume in the same
 * process; nothing survives it (`durable: false`, so runs skip the extra answer checkpoint).
 * The last `maxRuns` finished runs (default 100; oldest dropped first) are kept, as their start
 * and their end record only, so resuming one returns its result; runs in flight or interrupted
 * are never dropped and keep every record.
 */
export function memoryStore(options: { maxRuns?: number } = {}): RunStore {
  const maxRuns = options.maxRuns ?? 100;
  const runs = new Map<string, CheckpointRecord[]>();
  const leases = new Map<string, { owner: string; until: number }>();
  return {
    durable: false,
    append(runId, records) {
      let list = runs.get(runId);
      if (!list) {
        list = [];
        runs.set(runId, list);
        if (runs.size > maxRuns) {
          // Forget the oldest finished run first; never a run in flight.
          for (const [id, old] of runs) {
            const last = old.at(-1);
            if (last?.kind === "finished" || last?.kind === "failed") {
              runs.delete(id);
              break;
            }
          }
        }
      }
      const last = records.at(-1);
      if (last?.kind === "finished" || last?.kind === "failed") {
        // An ended run keeps its start and its end: all a later load needs (resume returns the
        // result; the id stays known). Dropping the step records and the starting transcript at
        // once keeps them young garbage instead of promoting every run's records to the old
        // generation, which cost the default store several percent of a short run's CPU.
        const start = list[0] ?? records[0];
        const kept = start?.kind === "started" ? [{ ...start, messages: [], transcript: [] }, last] : [last];
        runs.set(runId, kept);
        return;
      }
      list.push(...records);
    },
    async load(runId) {
      const list = runs.get(runId);
      return list ? [...list] : undefined;
    },
    async unfinished() {
      const out: RunSummary[] = [];
      for (const [runId, records] of runs) {
        const summary = summaryOf(runId, records);
        if (summary) out.push(summary);
      }
      return out;
    },
    async claim(runId, owner, ttlMs) {
      const lease = leases.get(runId);
      const now = Date.now();
      if (lease && lease.owner !== owner && lease.until > now) return false;
      leases.set(runId, { owner, until: now + ttlMs });
      return true;
    },
    async release(runId, owner) {
      if (leases.get(runId)?.owner === owner) leases.delete(runId);
    },
  };
}
