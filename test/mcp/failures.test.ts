/**
 * Servers that cannot start: MCP_ERROR naming the command and the tail of its stderr, a bounded
 * connect, cancellation, and no process left behind.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BatonError } from "../../src/errors.js";
import { EVERYTHING, FILESYSTEM, harnessPerTest, NODE } from "./harness.js";

const rejection = async (promise: Promise<unknown>): Promise<BatonError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BatonError);
  return error as BatonError;
};

const open = harnessPerTest();

describe("a server that fails to start", () => {
  it("rejects with MCP_ERROR naming the command and the tail of its stderr", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "baton-missing-"));
    rmSync(dir, { recursive: true });
    const h = open();
    const error = await rejection(h.pool.ensure([{ command: NODE, args: [FILESYSTEM, dir] }]));
    expect(error.code).toBe("MCP_ERROR");
    expect(error.message).toContain(`MCP server "filesystem" failed to start (${NODE} ${FILESYSTEM} ${dir})`);
    expect(error.message).toContain("Last lines of its stderr:");
    expect(error.message).toContain("Error: None of the specified directories are accessible");
    expect(error.details).toMatchObject({ server: "filesystem" });
    expect(h.pool.status()).toEqual({ filesystem: "failed" });

    const call = await h.call("filesystem", "list_allowed_directories", {});
    expect(call.isError).toBe(true);
    expect(call.content).toContain('MCP server "filesystem" is not available');
  });

  it("splits a quoted command line and shows what the process wrote before exiting", async () => {
    const h = open();
    const error = await rejection(h.pool.ensure([`${NODE} -e "console.error('fatal: config \\"x\\" missing'); process.exit(3)"`]));
    expect(error.message).toContain(`(${NODE} -e 'console.error('\\''fatal: config "x" missing'\\''); process.exit(3)')`);
    expect(error.message).toMatch(/Last lines of its stderr:\nfatal: config "x" missing$/);
  });

  it("names a command that does not exist", async () => {
    const h = open();
    const error = await rejection(h.pool.ensure(["baton-no-such-server-binary --flag"]));
    expect(error.code).toBe("MCP_ERROR");
    expect(error.message).toContain("(baton-no-such-server-binary --flag)");
    expect(error.message).toContain("ENOENT");
  });

  it("gives up on a server that never answers after connectTimeoutMs", async () => {
    const h = open({ connectTimeoutMs: 400 });
    const started = Date.now();
    const error = await rejection(h.pool.ensure([{ command: NODE, args: ["-e", "setInterval(() => {}, 1000)"], name: "mute" }]));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error.message).toContain('MCP server "mute" failed to start');
    expect(error.message).toMatch(/within 400 ms|timed out/i);
    expect(h.pool.status()).toEqual({ mute: "failed" });
  });

  it("reports every failing server of one list, and keeps the good ones running", async () => {
    const h = open();
    const error = await rejection(
      h.pool.ensure([
        { command: NODE, args: [EVERYTHING, "stdio"] },
        { command: NODE, args: ["-e", "process.exit(1)"], name: "one" },
        { command: NODE, args: ["-e", "process.exit(2)"], name: "two" },
      ]),
    );
    expect(error.message).toMatch(/^2 MCP servers failed to start:/);
    expect(error.message).toContain('"one"');
    expect(error.message).toContain('"two"');
    expect(h.pool.status()).toEqual({ everything: "ready", one: "failed", two: "failed" });
  });

  it("stops waiting when the signal aborts", async () => {
    const h = open();
    const controller = new AbortController();
    const pending = h.pool.ensure([{ command: NODE, args: [EVERYTHING, "stdio"] }], { signal: controller.signal });
    controller.abort();
    expect((await rejection(pending)).code).toBe("CANCELLED");
    expect((await rejection(h.pool.ensure([], { signal: AbortSignal.abort() }))).code).toBe("CANCELLED");
  });
});
