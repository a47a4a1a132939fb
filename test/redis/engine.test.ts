/**
 * The Redis engine (issue 17) with real worker processes: a client's runs and streams happen on
 * the workers, events arrive once and in order by seq, cancel and approvals reach the worker
 * that holds the run, and a long-lived team keeps one conversation across workers.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BatonError, type RunEvent, Runner, redisEngine } from "../../src/index.js";
import { flushPrefix, newPrefix, redisUrl, startWorker, type WorkerProcess } from "./helpers.js";

const url = redisUrl();
const prefix = newPrefix("engine");
const workers: WorkerProcess[] = [];
const clients: Runner[] = [];
let redis: Redis;

function newClient(): Runner {
  const client = new Runner({ engine: redisEngine({ url, prefix, lockDurationMs: 2000 }) });
  clients.push(client);
  return client;
}

/** Every event of a run's Redis stream, by seq. */
async function streamOf(runId: string): Promise<Array<{ seq: number; event: RunEvent }>> {
  const entries = (await redis.xrange(`${prefix}:run:${runId}:events`, "-", "+")) as Array<[string, string[]]>;
  return entries.map(([id, fields]) => ({ seq: Number(id.split("-")[0]), event: JSON.parse(fields[1]!) as RunEvent }));
}

beforeAll(async () => {
  redis = new Redis(url);
  workers.push(await startWorker({ REDIS_URL: url, BATON_PREFIX: prefix, CONCURRENCY: "4" }));
  workers.push(await startWorker({ REDIS_URL: url, BATON_PREFIX: prefix, CONCURRENCY: "4" }));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(workers.map((w) => w.stop()));
  await flushPrefix(url, prefix);
  redis.disconnect();
});

describe("redis engine", () => {
  it("a client streams a run that a worker runs: every event once, in seq order, the same as the run's Redis stream", async () => {
    const client = newClient();
    const stream = client.stream({ team: "research", input: "the launch" });
    const seen: RunEvent[] = [];
    for await (const event of stream) seen.push(event);
    const result = await stream.result;
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("Report on the launch.");
    expect(seen[0]!.type).toBe("run.started");
    expect(seen.at(-1)!.type).toBe("run.finished");
    const stored = await streamOf(result.runId);
    expect(stored.map((s) => s.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.map((s) => s.event)).toEqual(seen);
    // The effect of the tool call happened once, under the run's idempotency key.
    const performed = await redis.hgetall(`${prefix}:performed`);
    expect(Object.entries(performed).filter(([key]) => key.startsWith(result.runId))).toEqual([[expect.any(String), "1"]]);
  });

  it("runner.run resolves with the worker's result; an undefined team fails with the worker's clear error", async () => {
    const client = newClient();
    const result = await client.run({ team: "research", input: "the moon" });
    expect(result.finalOutput).toBe("Report on the moon.");
    const error = await client.run({ team: "nope", input: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatonError);
    expect((error as BatonError).message).toMatch(/No team is defined as "nope"/);
  });

  it("with an engine, inline agents are a clear error: the code lives in the workers", () => {
    const client = newClient();
    expect(() => client.stream({ model: "sim/a", input: "x" } as never)).toThrow(/names a team the workers define/);
    // A trace file would be written where the run happens: the workers' define() asks for it.
    expect(() => client.stream({ team: "research", input: "x", trace: "run.jsonl" })).toThrow(/trace belong in the workers' define/);
  });

  it("cancel reaches the worker that holds the run; an unknown run id is a clear error", async () => {
    const client = newClient();
    const stream = client.stream({ team: "slow", input: "sleep" });
    let runId: string | undefined;
    await new Promise<void>((resolve) =>
      stream.on("step.started", (e) => {
        runId = e.runId;
        resolve();
      }),
    );
    await client.cancel(runId!);
    const error = await stream.result.catch((e: unknown) => e);
    expect((error as BatonError).code).toBe("CANCELLED");
    expect((await streamOf(runId!)).at(-1)!.event.type).toBe("run.failed");
    await expect(client.cancel("no-such-run")).rejects.toThrow(/No run no-such-run/);
  });

  it("a run's own signal cancels it on the worker", async () => {
    const client = newClient();
    const controller = new AbortController();
    const stream = client.stream({ team: "slow", input: "sleep", signal: controller.signal });
    await new Promise<void>((resolve) => stream.on("step.started", () => resolve()));
    controller.abort();
    await expect(stream.result).rejects.toMatchObject({ code: "CANCELLED" });
  });

  it("approvals: the run ends interrupted on a worker; another client approves; a worker runs the call once and finishes", async () => {
    const first = await newClient().run({ team: "shop", input: "buy" });
    expect(first.status).toBe("interrupted");
    const call = first.interruptions![0]!;
    expect(call.tool).toBe("pay");
    const other = newClient();
    await expect(other.resume(first.runId, { approve: ["nope"] })).rejects.toThrow(/does not wait for/);
    const done = await other.resume(first.runId, { approve: [call.id] });
    expect(done.status).toBe("completed");
    expect(done.finalOutput).toBe("done: paid 10 to acme");
    expect(await redis.hget(`${prefix}:performed`, `${first.runId}:${call.id}`)).toBe("1");
    // Its stream: the first run's events, then the resumed run's, numbered on without a gap.
    const stored = await streamOf(first.runId);
    expect(stored.map((s) => s.seq)).toEqual(stored.map((_, i) => i + 1));
    const types = stored.map((s) => s.event.type);
    expect(types.filter((t) => t === "run.interrupted")).toHaveLength(1);
    expect(types.filter((t) => t === "run.resumed")).toHaveLength(1);
    expect(types.filter((t) => t === "run.finished")).toHaveLength(1);
    expect(types.at(-1)).toBe("run.finished");
  });

  it("a rejected call: the model reads the refusal; the run's meta travels to the worker and is kept with its checkpoints", async () => {
    const client = newClient();
    const meta = { ticket: "T-7", tags: ["vip"], attempt: 1 };
    const first = await client.run({ team: "shop", input: "buy", meta });
    const waiting = (await newClient().unfinishedRuns()).find((r) => r.runId === first.runId);
    expect(waiting).toMatchObject({ status: "interrupted", team: "shop", meta });
    const done = await client.resume(first.runId, { reject: [{ id: first.interruptions![0]!.id, message: "not this vendor" }] });
    expect(done.finalOutput).toBe("done: Rejected by a person: not this vendor");
  });

  it("a long-lived team is a virtual actor: its turns on different workers keep one conversation", async () => {
    const client = newClient();
    const team = client.team({ team: "chat" });
    const events: string[] = [];
    team.on("run.finished", (e) => events.push(e.runId));
    const first = await team.run("my name is Ada");
    const pidOf = (text: string) => Number(/^\[(\d+)\]/.exec(text)![1]);
    const firstPid = pidOf(first.finalOutput);
    // The worker that took the first turn stops; the next turns go to the others.
    const holder = workers.find((w) => w.pid === firstPid)!;
    await holder.stop();
    workers.splice(workers.indexOf(holder), 1);
    workers.push(await startWorker({ REDIS_URL: url, BATON_PREFIX: prefix, CONCURRENCY: "4" }));
    const second = await team.run("what is my name?");
    expect(pidOf(second.finalOutput)).not.toBe(firstPid);
    expect(second.finalOutput).toMatch(/I remember: my name is Ada \/ what is my name\?$/);
    const third = await team.run("thanks");
    expect(third.finalOutput).toMatch(/I remember: my name is Ada \/ what is my name\? \/ thanks$/);
    expect(events).toEqual([first.runId, second.runId, third.runId]);
    expect(team.snapshot().transcript.filter((m) => m.role === "user")).toHaveLength(3);
  });
});
