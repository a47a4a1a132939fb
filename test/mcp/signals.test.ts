/**
 * No orphans when the host process is interrupted: the pool's SIGINT/SIGTERM handlers stop the
 * server processes and let the signal end the host; close() removes the handlers again.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createHarness, EVERYTHING, isAlive, NODE, waitFor } from "./harness.js";

const HOST = path.join(import.meta.dirname, "fixtures/signalHost.ts");
const ROOT = path.resolve(import.meta.dirname, "../..");

async function runHostAndSignal(signal: "SIGINT" | "SIGTERM"): Promise<{ serverPid: number; exitSignal: string | null }> {
  const host = spawn(NODE, ["--import", "tsx", HOST], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  host.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<string | null>((resolve) => host.once("exit", (_code, sig) => resolve(sig)));
  try {
    const serverPid = await new Promise<number>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`host did not start: ${stderr}`)), 20_000);
      host.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /PID (\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    expect(isAlive(serverPid)).toBe(true);
    host.kill(signal);
    const exitSignal = await exited;
    return { serverPid, exitSignal };
  } finally {
    if (host.exitCode === null && host.signalCode === null) host.kill("SIGKILL");
  }
}

describe("host process signals", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`stops the server processes on ${signal} and lets the host end by that signal`, async () => {
      const { serverPid, exitSignal } = await runHostAndSignal(signal);
      expect(exitSignal).toBe(signal);
      await waitFor(() => !isAlive(serverPid), 5000, `server ${serverPid} to exit`);
    });
  }

  it("adds its handlers when the first stdio server starts and removes them on close", async () => {
    const before = { int: process.listenerCount("SIGINT"), term: process.listenerCount("SIGTERM") };
    const h = createHarness();
    try {
      await h.pool.ensure(["http://127.0.0.1:1/mcp"]).catch(() => undefined); // no process: no handlers
      expect(process.listenerCount("SIGTERM")).toBe(before.term);
      await h.pool.ensure([{ command: NODE, args: [EVERYTHING, "stdio"] }]);
      expect(process.listenerCount("SIGINT")).toBe(before.int + 1);
      expect(process.listenerCount("SIGTERM")).toBe(before.term + 1);
    } finally {
      await h.close();
    }
    expect(process.listenerCount("SIGINT")).toBe(before.int);
    expect(process.listenerCount("SIGTERM")).toBe(before.term);
  });
});
