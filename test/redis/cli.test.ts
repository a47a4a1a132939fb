/** The CLI over Redis (issue 17): `baton worker --teams` runs a module's teams; `baton run --redis --team` submits and streams. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { flushPrefix, newPrefix, redisUrl } from "./helpers.js";

const exec = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, "../../src/cli.ts");
const TEAMS = path.resolve(import.meta.dirname, "fixtures/teams.ts");
const url = redisUrl();
const prefix = newPrefix("cli");
let worker: ChildProcess | undefined;

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill("SIGTERM");
    await once(worker, "exit");
  }
  await flushPrefix(url, prefix);
});

it("baton worker runs the teams a module exports; baton run --redis submits a run and streams its answer", async () => {
  worker = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "worker", "--redis", url, "--prefix", prefix, "--teams", TEAMS, "--concurrency", "2"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  worker.stderr!.on("data", (chunk) => {
    log += chunk;
  });
  const { stdout } = await exec(
    process.execPath,
    ["--import", "tsx", CLI, "run", "--redis", url, "--prefix", prefix, "--team", "echo", "hello there"],
    {
      timeout: 60_000,
    },
  );
  expect(stdout).toContain("Echo: hello there");
  expect(log).toContain("baton worker: echo on");
  // SIGTERM: the worker finishes what it holds and exits cleanly.
  worker.kill("SIGTERM");
  const [code] = await once(worker, "exit");
  expect(code).toBe(0);
  expect(log).toContain("baton worker: stopped");
}, 90_000);
