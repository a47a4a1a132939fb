/**
 * `npm run bench -- --redis`: the Redis engine (issue 17). Throughput with 1, 2 and 4 worker
 * processes at 50 ms per simulated model call, and the per-run cost of the engine against the
 * in-process Runner at 0 ms. Uses REDIS_URL, or starts a redis-server of its own.
 *
 * Options: --runs <n> (default 400), --quick (100 runs).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { cpus } from "node:os";
import path from "node:path";
import { Runner, redisEngine } from "../src/index.js";
import { benchScript, lookup } from "./redisWorker.js";

const WORKER = path.resolve(import.meta.dirname, "redisWorker.ts");
const log = (line: string) => process.stderr.write(`${line}\n`);

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}

async function ownRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn("/usr/bin/redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve) => child.stdout!.on("data", (c) => String(c).includes("Ready to accept") && resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

async function startWorkers(n: number, env: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "inherit"],
      });
      await new Promise<void>((resolve) => child.stdout!.on("data", (c) => String(c).includes("working") && resolve()));
      return child;
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      child.kill("SIGTERM");
      await once(child, "exit");
    }),
  );
}

/** `count` runs submitted at once; runs per second from the first submit to the last result. */
async function throughput(client: Runner, count: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => client.run({ team: "bench", input: `task ${i}` })));
  return count / ((performance.now() - start) / 1000);
}

/** Milliseconds per run, one run after another. */
async function perRun(run: () => Promise<unknown>, count: number): Promise<number> {
  for (let i = 0; i < 10; i++) await run(); // warm up
  const start = performance.now();
  for (let i = 0; i < count; i++) await run();
  return (performance.now() - start) / count;
}

export async function redisBench(argv: string[]): Promise<void> {
  const quick = argv.includes("--quick");
  const runsAt = argv.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : quick ? 100 : 400;
  const own = process.env.REDIS_URL ? undefined : await ownRedis();
  const url = process.env.REDIS_URL ?? own!.url;
  const lines: string[] = [`Redis engine bench: ${runs} runs (2 model calls each), ${cpus().length} cores, ${url}`];
  try {
    lines.push("", "| workers (concurrency 50 each) | runs/s at 50 ms per model call |", "|---|---|");
    for (const n of [1, 2, 4]) {
      const prefix = `bench-${n}-${Date.now()}`;
      const workers = await startWorkers(n, { REDIS_URL: url, BATON_PREFIX: prefix, LATENCY_MS: "50", CONCURRENCY: "50" });
      const client = new Runner({ engine: redisEngine({ url, prefix }) });
      try {
        await throughput(client, Math.min(50, runs)); // warm up every worker
        const rate = await throughput(client, runs);
        log(`${n} worker(s): ${rate.toFixed(0)} runs/s`);
        lines.push(`| ${n} | ${rate.toFixed(0)} |`);
      } finally {
        await client.close();
        await stopWorkers(workers);
      }
    }
    // Per-run cost at 0 ms: the same team in-process and through one Redis worker, one run at a time.
    const sequential = Math.max(50, Math.floor(runs / 4));
    const local = new Runner({ providers: { sim: { scripts: { bench: benchScript(0) } } } });
    local.define("bench", { model: "sim/bench", tools: [lookup] });
    const inProcess = await perRun(() => local.run({ team: "bench", input: "task" }), sequential);
    await local.close();
    const prefix = `bench-cost-${Date.now()}`;
    const workers = await startWorkers(1, { REDIS_URL: url, BATON_PREFIX: prefix, LATENCY_MS: "0", CONCURRENCY: "50" });
    const client = new Runner({ engine: redisEngine({ url, prefix }) });
    let remote: number;
    let remoteRate: number;
    try {
      remote = await perRun(() => client.run({ team: "bench", input: "task" }), sequential);
      remoteRate = await throughput(client, runs);
    } finally {
      await client.close();
      await stopWorkers(workers);
    }
    log(`per run at 0 ms: in-process ${inProcess.toFixed(2)} ms, Redis ${remote.toFixed(2)} ms`);
    lines.push(
      "",
      "| at 0 ms per model call | ms per run (one at a time) |",
      "|---|---|",
      `| in-process Runner | ${inProcess.toFixed(2)} |`,
      `| Redis engine, 1 worker | ${remote.toFixed(2)} |`,
      `| engine cost per run | ${(remote - inProcess).toFixed(2)} |`,
      "",
      `1 Redis worker at 0 ms, ${runs} runs at once: ${remoteRate.toFixed(0)} runs/s.`,
    );
  } finally {
    await own?.stop();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}
