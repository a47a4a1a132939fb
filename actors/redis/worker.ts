/**
 * A worker of the Redis engine: takes jobs (BullMQ), runs each on its Runner, writes the run's
 * events to the run's stream, and cancels the runs it holds when told to (pub/sub). A job whose
 * worker died (its lock lapsed) comes back to a worker, which continues the run from its last
 * checkpoint once the dead worker's lease on the run has lapsed too.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { RedisKeys } from "../../src/engine/keys.js";
import type { EngineJob, JobExecutor, JobOutcome } from "../../src/engine/types.js";
import { BatonError, toErrorData } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import type { RunResult } from "../../src/result.js";
import { emitEvent, isLast } from "./eventLog.js";
import type { RedisStore } from "./store.js";

interface WorkerSetup {
  executor: JobExecutor;
  keys: RedisKeys;
  store: RedisStore;
  conn: () => Promise<Redis>;
  open: (failFast: boolean) => Promise<Redis>;
  concurrency: number;
  lockDurationMs: number;
  retentionMs: number;
  owner: string;
}

/** KEYS: lease. ARGV: owner. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 1`;

/** A result for a run that ended before it produced one (its team is not defined here, …). */
function emptyPartial(runId: string): RunResult<unknown> {
  return {
    runId,
    status: "stopped",
    finalOutput: "",
    outputText: "",
    lastAgent: "",
    lastModel: "",
    agentsUsed: [],
    modelsUsed: [],
    stepsUsed: 0,
    steps: [],
    handoffs: [],
    toolResults: [],
    usage: { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} } as unknown as RunResult<unknown>["usage"],
    messages: [],
    warnings: [],
    durationMs: 0,
  };
}

/** The event that ends a run, when the run did not deliver one itself (taken over after it ended, failed before it started). */
function lastEventOf(runId: string, outcome: JobOutcome | undefined, error: unknown): RunEvent {
  if (outcome) {
    const { result } = outcome;
    return result.status === "interrupted"
      ? { type: "run.interrupted", runId, teamId: "", result }
      : { type: "run.finished", runId, teamId: "", result };
  }
  const partial = (error as { partial?: RunResult<unknown> })?.partial ?? emptyPartial(runId);
  return { type: "run.failed", runId, teamId: "", error: toErrorData(error), partial };
}

export async function startWorker(setup: WorkerSetup): Promise<{ stop: () => Promise<void>; stopped: Promise<void> }> {
  const { keys, store, owner, retentionMs, lockDurationMs } = setup;
  const redis = await setup.conn();
  const running = new Map<string, AbortController>();
  let stopping = false;

  const control = await setup.open(false);
  await control.subscribe(keys.control);
  control.on("message", (_channel: string, runId: string) =>
    running.get(runId)?.abort(new BatonError("CANCELLED", "The run was cancelled.")),
  );

  /** Waits while another owner holds `key` (a worker that died holds it until its lease lapses). */
  const waitFree = async (key: string, mine: string | undefined, signal: AbortSignal) => {
    while (!stopping && !signal.aborted) {
      const holder = await redis.get(key);
      if (holder === null || holder === mine) return;
      await sleep(Math.min(250, lockDurationMs / 4));
    }
  };

  /** Holds a long-lived team for one turn: two turns of one team never run at once. */
  const holdTeam = async (teamKey: string, token: string, signal: AbortSignal): Promise<() => Promise<void>> => {
    const key = keys.teamLease(teamKey);
    while (!stopping && !signal.aborted) {
      if ((await redis.set(key, token, "PX", lockDurationMs, "NX")) === "OK") break;
      await sleep(Math.min(250, lockDurationMs / 4));
    }
    const renew = setInterval(() => void redis.set(key, token, "PX", lockDurationMs, "XX").catch(() => undefined), lockDurationMs / 3);
    return async () => {
      clearInterval(renew);
      await redis.eval(RELEASE, 1, key, token);
    };
  };

  const processJob = async (job: Job<EngineJob>, token?: string): Promise<void> => {
    const data = { ...job.data };
    const { runId } = data;
    const controller = new AbortController();
    running.set(runId, controller);
    let releaseTeam: (() => Promise<void>) | undefined;
    try {
      if ((await redis.exists(keys.cancelled(runId))) === 1) controller.abort(new BatonError("CANCELLED", "The run was cancelled."));
      await waitFree(keys.lease(runId), store.ownerOf(runId), controller.signal);
      if (data.teamKey !== undefined) {
        releaseTeam = await holdTeam(data.teamKey, `${owner}:${token ?? job.id}`, controller.signal);
        const saved = await redis.get(keys.teamSnapshot(data.teamKey));
        if (saved) data.from = JSON.parse(saved);
      }
      const writes: Promise<unknown>[] = [];
      let lost = false;
      let last: RunEvent | undefined;
      const push = (event: RunEvent) => {
        // The last event waits until every checkpoint is committed: a run is never seen to end before it has.
        if (isLast(event)) {
          last = event;
          return;
        }
        const written = emitEvent(redis, keys, runId, store.ownerOf(runId) ?? "", event, retentionMs).then((seq) => {
          if ((seq === -2 || seq === -3) && !lost) {
            lost = true; // another worker holds the run now, or Redis lost it: this one stops
            controller.abort(new BatonError("CANCELLED", seq === -2 ? "Another worker took the run over." : "Redis lost the run."));
          }
        });
        writes.push(written.catch(() => undefined));
      };
      let outcome: JobOutcome | undefined;
      let error: unknown;
      try {
        outcome = await setup.executor.execute(data, push, controller.signal);
      } catch (caught) {
        error = caught;
      }
      await Promise.all(writes);
      if (lost) return;
      if (outcome?.snapshot && data.teamKey !== undefined) {
        await redis.set(keys.teamSnapshot(data.teamKey), JSON.stringify(outcome.snapshot), "PX", retentionMs);
      }
      await emitEvent(redis, keys, runId, store.ownerOf(runId) ?? "", last ?? lastEventOf(runId, outcome, error), retentionMs);
    } finally {
      running.delete(runId);
      await releaseTeam?.().catch(() => undefined);
    }
  };

  const worker = new Worker<EngineJob>(keys.queue, processJob, {
    connection: await setup.open(false),
    prefix: keys.bull,
    concurrency: setup.concurrency,
    lockDuration: lockDurationMs,
    stalledInterval: lockDurationMs,
    maxStalledCount: 5,
  });
  worker.on("error", () => undefined); // connection trouble: BullMQ reconnects
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  await worker.waitUntilReady();
  return {
    stopped,
    stop: async () => {
      if (stopping) return;
      stopping = true;
      await worker.close();
      await control.quit().catch(() => control.disconnect());
      resolveStopped();
    },
  };
}
