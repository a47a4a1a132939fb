/**
 * Supervision of stdio servers: a server killed mid-call is restarted with backoff, the call in
 * flight comes back as an isError result at once, and later calls wait for the restart (bounded).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EVERYTHING, FILESYSTEM, harnessPerTest, isAlive, NODE, pidOf, waitFor } from "./harness.js";

const everything = { command: NODE, args: [EVERYTHING, "stdio"] };
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const open = harnessPerTest();

describe("a stdio server that dies", () => {
  it("fails the call in flight at once, restarts, and serves the next call", async () => {
    const h = open({ restart: { baseDelayMs: 50 } });
    await h.pool.ensure([everything]);
    const pid = pidOf(h, "everything");
    const states: string[] = [h.pool.status()["everything"]!];
    const sub = h.service("everything").subscribe(() => {
      const status = h.pool.status()["everything"]!;
      if (states.at(-1) !== status) states.push(status);
    });

    const inFlight = h.start("everything", "trigger-long-running-operation", { duration: 20, steps: 20 });
    await new Promise((r) => setTimeout(r, 200));
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();
    const failed = await inFlight.result;
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(failed.isError).toBe(true);
    expect(failed.content).toMatch(/^MCP server "everything" exited while running this call; baton is restarting it \(attempt 1 of 5\)\./);

    // Sent while the server restarts: waits for it instead of failing.
    const next = await h.call("everything", "echo", { message: "after restart" });
    expect(next).toMatchObject({ isError: false, content: "Echo: after restart" });
    sub.unsubscribe();
    expect(states).toEqual(["ready", "reconnecting", "ready"]);
    expect(h.pool.status()).toEqual({ everything: "ready" });
    const newPid = pidOf(h, "everything");
    expect(newPid).not.toBe(pid);
    expect(isAlive(pid)).toBe(false);
    expect(h.spawned).toEqual(["mcp:everything"]);
  });

  it("gives up after the restart limit, fails waiting and new calls, and starts again on ensure()", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-fs-"));
    dirs.push(dir);
    const allowed = path.join(dir, "allowed");
    mkdirSync(allowed);
    const h = open({ restart: { maxAttempts: 2, baseDelayMs: 150 } });
    await h.pool.ensure([{ command: NODE, args: [FILESYSTEM, allowed], name: "fs" }]);
    // Restarts will fail: the server refuses to start without its directory.
    rmSync(allowed, { recursive: true });
    process.kill(pidOf(h, "fs"), "SIGKILL");
    await waitFor(() => h.pool.status()["fs"] === "reconnecting", 5000, "reconnecting");
    const waiting = h.call("fs", "list_allowed_directories", {});
    const result = await waiting;
    expect(h.pool.status()).toEqual({ fs: "failed" });
    expect(result.isError).toBe(true);
    expect(result.content).toContain('MCP server "fs" is not available');
    expect(result.content).toContain("None of the specified directories are accessible");

    const later = await h.call("fs", "list_allowed_directories", {});
    expect(later.isError).toBe(true);
    expect(later.content).toContain("is not available");
    expect(h.pool.status()).toEqual({ fs: "failed" });

    mkdirSync(allowed);
    const tools = await h.pool.ensure([{ command: NODE, args: [FILESYSTEM, allowed], name: "fs" }]);
    expect(tools.some((t) => t.remoteName === "read_text_file")).toBe(true);
    expect(h.pool.status()).toEqual({ fs: "ready" });
    expect(h.spawned).toEqual(["mcp:fs"]);
    expect((await h.call("fs", "list_allowed_directories", {})).content).toContain(allowed);
  });

  it("bounds a call's wait for the restart by its timeout", async () => {
    const h = open({ restart: { baseDelayMs: 3000 } });
    await h.pool.ensure([everything]);
    process.kill(pidOf(h, "everything"), "SIGKILL");
    await waitFor(() => h.pool.status()["everything"] === "reconnecting", 5000, "reconnecting");
    const result = await h.call("everything", "echo", { message: "x" }, { timeoutMs: 200 });
    expect(result).toMatchObject({
      isError: true,
      content: 'MCP server "everything" is restarting and was not back within 200 ms; the call was not made.',
    });
    expect(result.ms).toBeGreaterThanOrEqual(190);
    expect(result.ms).toBeLessThan(2000);
  });

  it("answers a call in flight when the pool closes", async () => {
    const h = open();
    await h.pool.ensure([everything]);
    const pid = pidOf(h, "everything");
    const inFlight = h.start("everything", "trigger-long-running-operation", { duration: 20, steps: 20 });
    await h.pool.close();
    expect(await inFlight.result).toMatchObject({ isError: true });
    expect((await inFlight.result).content).toContain("was shut down");
    expect(h.pool.status()).toEqual({ everything: "stopped" });
    expect(isAlive(pid)).toBe(false);
    await expect(h.pool.ensure([everything])).rejects.toMatchObject({ code: "CLOSED" });
  });
});
