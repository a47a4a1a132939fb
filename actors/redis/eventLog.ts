import type { Redis } from "ioredis";
import { type RedisKeys, seqOf } from "../../src/engine/keys.js";
import type { RunEvent } from "../../src/events.js";
import { runScript } from "./scripts.js";

/**
 * Adds one event to a run's stream with the next seq as its entry id (`<seq>-0`), unless the
 * run's final event is in already, or another owner holds the run (a worker that lost it).
 * Every write extends the stream's life to `retention` after its last event.
 * KEYS: events, lease, ended, meta. ARGV: owner, event JSON, final (1/0), retentionMs.
 * Returns the seq, -1 after the final event, -2 when another owner holds the run, -3 when Redis
 * no longer knows the run (it lost its data): nothing is written for a run nobody waits on.
 */
const EMIT = `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
if redis.call('EXISTS', KEYS[4]) == 0 then return -3 end
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return -2 end
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local seq = 1
if #last > 0 then seq = tonumber(string.match(last[1][1], '^(%d+)')) + 1 end
redis.call('XADD', KEYS[1], seq .. '-0', 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
if ARGV[3] == '1' then
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[4])
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
end
return seq`;

/** The event that ends a run for good (an interrupted run goes on after a resume). */
export function isFinal(event: RunEvent): boolean {
  return event.type === "run.finished" || event.type === "run.failed";
}

export function isLast(event: RunEvent): boolean {
  return isFinal(event) || event.type === "run.interrupted";
}

/** Writes a run's events in order (one connection keeps them in order without waiting on each). */
export function emitEvent(
  redis: Redis,
  keys: RedisKeys,
  runId: string,
  owner: string,
  event: RunEvent,
  retentionMs: number,
): Promise<number> {
  return runScript(
    redis,
    "batonEmit",
    EMIT,
    [keys.events(runId), keys.lease(runId), keys.ended(runId), keys.meta(runId)],
    [owner, JSON.stringify(event), isFinal(event) ? "1" : "0", String(retentionMs)],
  ) as Promise<number>;
}

interface Subscription {
  runId: string;
  after: number;
  quietSince: number;
  onEvent: (event: RunEvent, seq: number) => void;
  onError: (error: Error) => void;
}

/**
 * Reads the streams of every run a client waits on, over one blocking connection: each
 * subscription gets every event once, in seq order, from the one after `after`. A run whose
 * meta key is gone while nothing arrives was lost (Redis restarted without its data): an error,
 * never a wait forever.
 */
export class EventReader {
  readonly #redis: Redis;
  readonly #probe: Redis;
  readonly #keys: RedisKeys;
  readonly #subs = new Map<string, Subscription>();
  #running = false;
  #closed = false;
  /** The blocking connection's client id, to wake its XREAD when a run is added (CLIENT UNBLOCK). */
  #blockingId: Promise<number> | undefined;
  #reading = false;

  constructor(redis: Redis, probe: Redis, keys: RedisKeys) {
    this.#redis = redis;
    this.#probe = probe;
    this.#keys = keys;
  }

  subscribe(runId: string, after: number, onEvent: Subscription["onEvent"], onError: Subscription["onError"]): () => void {
    const sub: Subscription = { runId, after, quietSince: Date.now(), onEvent, onError };
    this.#subs.set(runId, sub);
    if (!this.#running) void this.#loop();
    else if (this.#reading) void this.#wake();
    return () => {
      if (this.#subs.get(runId) === sub) this.#subs.delete(runId);
    };
  }

  /** A read in progress does not wait for the new run: it returns now and the next read includes it. */
  async #wake(): Promise<void> {
    try {
      this.#blockingId ??= this.#redis.client("ID") as Promise<number>;
      await this.#probe.client("UNBLOCK", await this.#blockingId);
    } catch {
      // The read ends on its own within its block time.
    }
  }

  async #loop(): Promise<void> {
    this.#running = true;
    this.#blockingId ??= (this.#redis.client("ID") as Promise<number>).catch(() => -1);
    try {
      while (!this.#closed && this.#subs.size > 0) {
        const subs = [...this.#subs.values()];
        let reply: Array<[string, Array<[string, string[]]>]> | null;
        try {
          this.#reading = true;
          reply = (await this.#redis.xread(
            "COUNT",
            1000,
            "BLOCK",
            200,
            "STREAMS",
            ...subs.map((s) => this.#keys.events(s.runId)),
            ...subs.map((s) => `${s.after}-0`),
          )) as Array<[string, Array<[string, string[]]>]> | null;
        } catch (error) {
          this.#reading = false;
          if (this.#closed) return;
          for (const sub of subs) this.#fail(sub, error);
          continue;
        }
        this.#reading = false;
        const now = Date.now();
        const heard = new Set<string>();
        for (const [key, entries] of reply ?? []) {
          const sub = subs.find((s) => this.#keys.events(s.runId) === key);
          if (!sub) continue;
          heard.add(sub.runId);
          for (const [id, fields] of entries) {
            const seq = seqOf(id);
            if (seq <= sub.after) continue;
            sub.after = seq;
            sub.quietSince = now;
            if (this.#subs.get(sub.runId) !== sub) break;
            sub.onEvent(JSON.parse(fields[1]!) as RunEvent, seq);
          }
        }
        await this.#checkQuiet(subs.filter((s) => !heard.has(s.runId) && now - s.quietSince > 1000));
      }
    } finally {
      this.#running = false;
      if (!this.#closed && this.#subs.size > 0) void this.#loop();
    }
  }

  /** Runs quiet for a while: still known to Redis (queued, waiting for a worker), or lost? */
  async #checkQuiet(subs: Subscription[]): Promise<void> {
    for (const sub of subs) {
      sub.quietSince = Date.now();
      try {
        if ((await this.#probe.exists(this.#keys.meta(sub.runId))) === 0) {
          this.#fail(
            sub,
            new Error(`Redis no longer knows run ${sub.runId}: it lost its data (restarted without persistence?) or the run expired.`),
          );
        }
      } catch (error) {
        this.#fail(sub, error);
      }
    }
  }

  #fail(sub: Subscription, error: unknown): void {
    if (this.#subs.get(sub.runId) !== sub) return;
    this.#subs.delete(sub.runId);
    sub.onError(error instanceof Error ? error : new Error(String(error)));
  }

  close(): void {
    this.#closed = true;
    this.#subs.clear();
  }
}
