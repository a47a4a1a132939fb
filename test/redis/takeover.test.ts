/**
 * Nothing lost when a worker dies (issue 17): three worker processes and a client, 200 runs on
 * sim models with latency; one worker is killed with SIGKILL mid-run and another is restarted.
 * Every run completes exactly once, every client stream is complete and in order (the same as
 * the run's Redis stream, numbered 1, 2, 3, … without a gap), each tool effect happened once.
 */
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { type RunEvent, Runner, type RunResult, redisEngine } from "../../src/index.js";
import type { CheckpointRecord } from "../../src/store/records.js";
import { flushPrefix, newPrefix, redisUrl, startWorker, type WorkerProcess } from "./helpers.js";

const url = redisUrl();
const prefix = newPrefix("takeover");
const workers: WorkerProcess[] = [];
let client: Runner | undefined;
const redis = new Redis(url);
const env = { REDIS_URL: url, BATON_PREFIX: prefix, CONCURRENCY: "10", LATENCY_MS: "100", LOCK_MS: "2000" };

afterAll(async () => {
  await client?.close();
  await Promise.all(workers.map((w) => w.stop()));
  await flushPrefix(url, prefix);
  redis.disconnect();
}, 60_000);

it("200 runs on 3 workers, one killed mid-run and one restarted: every run completes once, every stream complete and in order", async () => {
  workers.push(...(await Promise.all([startWorker(env), startWorker(env), startWorker(env)])));
  client = new Runner({ engine: redisEngine({ url, prefix, lockDurationMs: 2000 }) });
  let finished = 0;
  const done = new Set<string>();
  let victim: WorkerProcess | undefined;
  /** The worker that holds the most unfinished runs (its tool call has run): SIGKILL. */
  const killOneHoldingRuns = async () => {
    // Runs are recorded as they reach their tool call: wait until one in flight is (a fast machine
    // may have finished every run that had, when the 30th finishes).
    const held = new Map<number, number>();
    for (let tries = 0; held.size === 0; tries++) {
      if (tries === 500) throw new Error("no worker held an unfinished run for 10 s");
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const ranOn = await redis.hgetall(`${prefix}:ranOn`);
      for (const [runId, pid] of Object.entries(ranOn)) if (!done.has(runId)) held.set(Number(pid), (held.get(Number(pid)) ?? 0) + 1);
    }
    const [pid] = [...held.entries()].sort((a, b) => b[1] - a[1])[0]!;
    victim = workers.find((w) => w.pid === pid)!;
    await victim.kill();
  };

  let killed: Promise<void> | undefined;
  let restarted: Promise<void> | undefined;
  const runs = Array.from({ length: 200 }, (_, i) => {
    const stream = client!.stream({ team: "research", input: `topic ${i}` });
    const all = (async () => {
      const seen: RunEvent[] = [];
      for await (const event of stream) seen.push(event);
      return seen;
    })();
    const result = stream.result.then((r) => {
      finished++;
      done.add(r.runId);
      // Mid-run: a worker that holds runs dies; later another is restarted.
      if (finished === 30) killed = killOneHoldingRuns();
      if (finished === 90)
        restarted = killed!.then(async () => {
          const other = workers.find((w) => w !== victim)!;
          await Promise.all([other.stop(), startWorker(env).then((w) => void workers.push(w))]);
        });
      return r;
    });
    return { i, all, result };
  });
  const results: RunResult[] = [];
  for (const run of runs) results.push(await run.result);
  await killed;
  await restarted;

  let takenOver = 0;
  for (const run of runs) {
    const result = results[run.i]!;
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe(`Report on topic ${run.i}.`);
    const seen = await run.all;
    const entries = (await redis.xrange(`${prefix}:run:${result.runId}:events`, "-", "+")) as Array<[string, string[]]>;
    expect(entries.map(([id]) => id)).toEqual(entries.map((_, k) => `${k + 1}-0`));
    expect(seen).toEqual(entries.map(([, fields]) => JSON.parse(fields[1]!)));
    expect(seen.filter((e) => e.type === "run.finished")).toHaveLength(1);
    expect(seen.at(-1)!.type).toBe("run.finished");
    if (seen.some((e) => e.type === "run.resumed")) takenOver++;
    const records = (await redis.lrange(`${prefix}:run:${result.runId}:records`, 0, -1)).map((r) => JSON.parse(r) as CheckpointRecord);
    expect(records.filter((r) => r.kind === "finished")).toHaveLength(1);
  }
  // The killed worker held runs: others took them over and resumed them from their checkpoints.
  expect(takenOver).toBeGreaterThan(0);
  const performed = await redis.hgetall(`${prefix}:performed`);
  expect(Object.keys(performed)).toHaveLength(200);
  expect(new Set(Object.values(performed))).toEqual(new Set(["1"]));
}, 60_000);
