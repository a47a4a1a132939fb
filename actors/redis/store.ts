import type { Redis } from "ioredis";
import type { RedisKeys } from "../../src/engine/keys.js";
import type { CheckpointRecord, RunSummary } from "../../src/store/records.js";
import type { RunStore } from "../../src/store/types.js";
import { summaryOf } from "../store/summary.js";
import { runScript } from "./scripts.js";

/**
 * Appends a run's records when this owner holds its lease (or nobody does): a worker whose lease
 * lapsed and went to another worker can no longer write (fencing). Keeps the set of open runs.
 * KEYS: records, lease, open. ARGV: owner, finalAt (0 when the run goes on), retentionMs, runId, first kind, records…
 */
const APPEND = `
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return redis.error_reply('LEASE_LOST run is held by ' .. holder) end
if ARGV[5] ~= 'started' and redis.call('EXISTS', KEYS[1]) == 0 then
  return redis.error_reply('RUN_LOST Redis no longer has the run (it lost its data, or the run expired)')
end
for i = 6, #ARGV do redis.call('RPUSH', KEYS[1], ARGV[i]) end
if ARGV[2] == '0' then
  redis.call('ZADD', KEYS[3], redis.call('TIME')[1], ARGV[4])
else
  redis.call('ZREM', KEYS[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return 1`;

/** KEYS: lease. ARGV: owner, ttlMs. */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/** KEYS: lease. ARGV: owner. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

export interface RedisStore extends RunStore {
  /** The owner this process claimed a run with, if it holds it. */
  ownerOf(runId: string): string | undefined;
}

/**
 * Checkpoints in Redis (a list per run, appended, never rewritten), shared by every worker and
 * client of a Redis engine. Appends commit when their promise resolves (`commitsLater`).
 */
export function redisStore(conn: () => Promise<Redis>, keys: RedisKeys, retentionMs: number): RedisStore {
  const owners = new Map<string, string>();
  return {
    durable: true,
    commitsLater: true,
    ownerOf: (runId) => owners.get(runId),
    async append(runId, records) {
      if (records.length === 0) return;
      const redis = await conn();
      const last = records.at(-1)!;
      const final = last.kind === "finished" || last.kind === "failed";
      await runScript(
        redis,
        "batonAppend",
        APPEND,
        [keys.records(runId), keys.lease(runId), keys.open],
        [
          owners.get(runId) ?? "",
          final ? String(last.at) : "0",
          String(retentionMs),
          runId,
          records[0]!.kind,
          ...records.map((r) => JSON.stringify(r)),
        ],
      );
    },
    async load(runId) {
      const redis = await conn();
      const list = await redis.lrange(keys.records(runId), 0, -1);
      return list.length ? list.map((body) => JSON.parse(body) as CheckpointRecord) : undefined;
    },
    async unfinished() {
      const redis = await conn();
      const ids = await redis.zrange(keys.open, "0", "-1");
      const out: RunSummary[] = [];
      for (const runId of ids) {
        const records = await this.load(runId);
        const summary = records && summaryOf(runId, records);
        if (summary) out.push(summary);
      }
      return out;
    },
    async claim(runId, owner, ttlMs) {
      const redis = await conn();
      const taken = (await runScript(redis, "batonClaim", CLAIM, [keys.lease(runId)], [owner, String(Math.ceil(ttlMs))])) === 1;
      if (taken) owners.set(runId, owner);
      return taken;
    },
    async release(runId, owner) {
      owners.delete(runId);
      const redis = await conn();
      await runScript(redis, "batonRelease", RELEASE, [keys.lease(runId)], [owner]);
    },
  };
}
