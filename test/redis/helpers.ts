/** What the Redis tests share: the server's URL (required), a key prefix per test, worker child processes. */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import path from "node:path";
import { Redis } from "ioredis";

const WORKER = path.resolve(import.meta.dirname, "fixtures/worker.ts");

/** REDIS_URL from the environment: these tests fail without it (CI's .ci/run starts a redis-server). */
export function redisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: start a redis-server and export REDIS_URL=redis://127.0.0.1:<port>.");
  return url;
}

export function newPrefix(name: string): string {
  return `t-${name}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under the prefix (only ours: other tests use other prefixes). */
export async function flushPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** Graceful: finishes its jobs, then exits. */
  stop(): Promise<void>;
  /** A crash on purpose. */
  kill(): Promise<void>;
  log(): string;
}

export async function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr!.on("data", (chunk) => {
    output += chunk;
  });
  const exited = once(child, "exit");
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output.includes("working")) resolve();
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => reject(new Error(`worker exited with ${code}: ${output}`)));
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    // A graceful stop waits for the worker's runs; one that does not end in time is killed (and reported).
    const timer = setTimeout(() => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.stderr.write(`worker ${child.pid} did not stop within 15 s; killing it. Its output:\n${output}\n`);
      child.kill("SIGKILL");
    }, 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, pid: child.pid!, stop: () => end("SIGTERM"), kill: () => end("SIGKILL"), log: () => output };
}
