/**
 * Redis restarted under a run (issue 17): a Redis of its own, restarted without its data while
 * a worker holds a run. The client gets a clear error naming the lost run, never a hang or a
 * silent loss, and the worker goes on taking runs once Redis is back.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterAll, expect, it } from "vitest";
import { BatonError, Runner, redisEngine } from "../../src/index.js";
import { startWorker, type WorkerProcess } from "./helpers.js";

let server: ChildProcess | undefined;
let worker: WorkerProcess | undefined;
let client: Runner | undefined;

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

/** A redis-server of this test's own, with no persistence: a restart loses everything. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
  return child;
}

async function stopRedis(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill(signal);
  await exited;
}

afterAll(async () => {
  await client?.close();
  await worker?.stop();
  await stopRedis(server, "SIGTERM");
});

it("Redis restarted without its data under a run: the client gets a clear error, and the worker runs the next run", async () => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  server = await startRedis(port);
  const prefix = "restart";
  worker = await startWorker({ REDIS_URL: url, BATON_PREFIX: prefix, LOCK_MS: "2000" });
  client = new Runner({ engine: redisEngine({ url, prefix, lockDurationMs: 2000 }) });
  const stream = client.stream({ team: "slow", input: "sleep" });
  await new Promise<void>((resolve) => stream.on("step.started", () => resolve()));
  await stopRedis(server, "SIGKILL");
  server = await startRedis(port);
  const error = await stream.result.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BatonError);
  expect((error as BatonError).code).toBe("STORE_ERROR");
  expect((error as BatonError).message).toMatch(/Redis no longer knows run .*lost its data/);
  // Back to normal: the same worker and client run the next run.
  const next = await client.run({ team: "research", input: "after the restart" });
  expect(next.finalOutput).toBe("Report on after the restart.");
}, 60_000);
