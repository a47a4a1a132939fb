import type { CheckpointRecord, RunSummary } from "../../src/store/records.js";
import type { RunStore } from "../../src/store/types.js";
import { summaryOf } from "./summary.js";

/**
 * Checkpoints in this process's memory: the default store. Interrupted runs resume in the same
 * process; nothing survives it (`durable: false`, so runs skip the extra answer checkpoint).
 * The last `maxRuns` finished runs (default 100; oldest dropped first) are kept, so resuming one
 * returns its result; runs in flight or interrupted are never dropped.
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
