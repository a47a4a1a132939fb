/**
 * `redisEngine({ url })`: runs as BullMQ jobs, checkpoints in Redis, each run's events in a Redis
 * stream, cancel decisions over pub/sub. ioredis and BullMQ load on first use, so a Runner
 * without an engine (and `import "baton"`) never loads them.
 */
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import type { Redis, RedisOptions } from "ioredis";
import { redisKeys, seqOf } from "../../src/engine/keys.js";
import type { Engine, EngineJob, EngineWorkOptions, JobExecutor } from "../../src/engine/types.js";
import { BatonError, type ErrorData } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import type { RunResult } from "../../src/result.js";
import type { TeamSnapshot } from "../../src/team/snapshot.js";
import { EventReader, isLast } from "./eventLog.js";
import { redisStore } from "./store.js";

export interface RedisEngineOptions {
  /** redis://[user:password@]host:port[/db] (default redis://127.0.0.1:6379). */
  url?: string;
  /** Prefix of every key the engine writes (default "baton"): engines with different prefixes do not meet. */
  prefix?: string;
  /**
   * How long a worker holds a job and its run without renewing (default 30 000 ms). A worker
   * that dies loses its runs after this; another worker takes them over and resumes them.
   */
  lockDurationMs?: number;
  /** How long a run's events and checkpoints stay in Redis after its last event (default 24 h). */
  retentionMs?: number;
}

/** A connection whose commands fail (instead of queueing forever) while Redis is unreachable. */
function connectionOptions(failFast: boolean): RedisOptions {
  return {
    maxRetriesPerRequest: failFast ? 3 : null,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
  };
}

export function redisEngine(options: RedisEngineOptions = {}): Engine {
  const url = options.url ?? "redis://127.0.0.1:6379";
  if (typeof url !== "string" || !/^rediss?:\/\//.test(url)) {
    throw new BatonError("INVALID_OPTIONS", `redisEngine url must be redis://host:port (or rediss://); got ${JSON.stringify(url)}.`);
  }
  const prefix = options.prefix ?? "baton";
  const lockDurationMs = options.lockDurationMs ?? 30_000;
  const retentionMs = options.retentionMs ?? 24 * 3600_000;
  const keys = redisKeys(prefix);
  const opened: Redis[] = [];
  let closed = false;
  let RedisClass: typeof Redis | undefined;

  const open = async (failFast: boolean): Promise<Redis> => {
    if (closed) throw new BatonError("CLOSED", "This Runner's Redis engine is closed.");
    RedisClass ??= (await import("ioredis")).Redis;
    const redis = new RedisClass(url, connectionOptions(failFast));
    redis.on("error", () => undefined); // reconnects on its own; commands report failures
    opened.push(redis);
    return redis;
  };
  let command: Promise<Redis> | undefined;
  const conn = () => (command ??= open(true));
  let readerPromise: Promise<EventReader> | undefined;
  const reader = () =>
    (readerPromise ??= Promise.all([open(true), conn()]).then(([blocking, probe]) => new EventReader(blocking, probe, keys)));
  let queuePromise: Promise<Queue> | undefined;
  const queue = () =>
    (queuePromise ??= (async () => {
      const { Queue } = await import("bullmq");
      const jobs = new Queue(keys.queue, { connection: await open(false), prefix: keys.bull });
      jobs.on("error", () => undefined); // Redis unreachable: a submit reports it
      return jobs;
    })());
  const store = redisStore(conn, keys, retentionMs);
  let stopWorker: (() => Promise<void>) | undefined;

  const lastSeq = async (runId: string): Promise<number> => {
    const last = (await (await conn()).xrevrange(keys.events(runId), "+", "-", "COUNT", 1)) as Array<[string, string[]]>;
    return last[0] ? seqOf(last[0][0]) : 0;
  };

  return {
    kind: "redis",
    store,
    leaseTtlMs: lockDurationMs,

    async submit(job: EngineJob, push: (event: RunEvent) => void): Promise<RunResult<unknown>> {
      const redis = await conn();
      if (job.kind !== "resume") await redis.set(keys.meta(job.runId), JSON.stringify({ team: job.team, submittedAt: Date.now() }));
      const after = job.kind === "resume" ? await lastSeq(job.runId) : 0;
      const events = await reader();
      const jobs = await queue();
      return new Promise<RunResult<unknown>>((resolve, reject) => {
        const fail = (error: Error) =>
          reject(
            error instanceof BatonError
              ? error
              : new BatonError("STORE_ERROR", `Run ${job.runId} over Redis: ${error.message}`, { cause: error }),
          );
        const unsubscribe = events.subscribe(
          job.runId,
          after,
          (event) => {
            push(event);
            if (!isLast(event)) return;
            unsubscribe();
            if (event.type === "run.failed") {
              const error: ErrorData = event.error;
              reject(new BatonError(error.code, error.message, { details: error.details ?? {}, partial: event.partial }));
            } else resolve((event as { result: RunResult<unknown> }).result);
          },
          fail,
        );
        const jobId = job.kind === "resume" ? `${job.runId}-resume-${after}` : job.runId;
        jobs.add(job.kind, job, { jobId, removeOnComplete: true, removeOnFail: { age: 3600 } }).catch((error: Error) => {
          unsubscribe();
          fail(error);
        });
      });
    },

    lastSeq,

    async knows(runId) {
      return (await (await conn()).exists(keys.meta(runId))) === 1;
    },

    async cancel(runId) {
      const redis = await conn();
      await redis.set(keys.cancelled(runId), "1", "PX", retentionMs);
      await redis.publish(keys.control, runId);
    },

    async work(executor: JobExecutor, workOptions: EngineWorkOptions): Promise<void> {
      if (stopWorker) throw new BatonError("INVALID_OPTIONS", "This Runner is already working; call work() once.");
      const { startWorker } = await import("./worker.js");
      const worker = await startWorker({
        executor,
        keys,
        store,
        conn,
        open,
        concurrency: workOptions.concurrency ?? 10,
        lockDurationMs,
        retentionMs,
        owner: `worker-${randomUUID().slice(0, 8)}`,
      });
      stopWorker = worker.stop;
      await worker.stopped;
    },

    async teamSnapshot(teamKey): Promise<TeamSnapshot | undefined> {
      const text = await (await conn()).get(keys.teamSnapshot(teamKey));
      return text ? (JSON.parse(text) as TeamSnapshot) : undefined;
    },

    async close() {
      if (closed) return;
      await stopWorker?.();
      closed = true;
      (await readerPromise?.catch(() => undefined))?.close();
      await (await queuePromise?.catch(() => undefined))?.close();
      await Promise.all(opened.map((redis) => redis.quit().catch(() => redis.disconnect())));
    },
  };
}
