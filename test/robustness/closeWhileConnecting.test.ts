/**
 * Issue 21, item 3: `runner.close()` or `team.stop()` while an MCP server is still connecting
 * settles the run (CLOSED or CANCELLED, with its partial result) instead of leaving it pending,
 * and the server process is stopped. The server is real: a stdio MCP server that waits before
 * it reads the client's `initialize`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BatonError, Runner } from "../../src/index.js";
import { isAlive, NODE, waitFor } from "../mcp/harness.js";
import { batonError, within } from "./support.js";

const SLOW_SERVER = path.resolve(import.meta.dirname, "fixtures/slowMcpServer.mjs");
/** How long the server waits before connecting: far longer than the test waits for the run to settle. */
const CONNECT_DELAY_MS = 20_000;
const SETTLE_MS = 3_000;

let dir: string;
let runner: Runner | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "baton-slow-mcp-"));
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const pidFile = path.join(dir, "pid");
  const spec = { command: NODE, args: [SLOW_SERVER], env: { SLOW_CONNECT_MS: String(CONNECT_DELAY_MS), PID_FILE: pidFile } };
  runner = new Runner({ providers: { sim: { scripts: { a: [{ text: "never reached" }] } } }, mcp: { connectTimeoutMs: 60_000 } });
  /** Waits until the server process runs (so the run is waiting for it to connect) and gives its pid. */
  const serverStarted = async (): Promise<number> => {
    let pid = 0;
    await waitFor(
      () => {
        try {
          pid = Number(readFileSync(pidFile, "utf8"));
          return pid > 0;
        } catch {
          return false;
        }
      },
      10_000,
      "the slow MCP server to start",
    );
    return pid;
  };
  return { runner, spec, serverStarted };
}

function expectSettled(error: BatonError, input: string): void {
  expect(["CLOSED", "CANCELLED"]).toContain(error.code);
  expect(error.partial, `${error.code}: ${error.message} has no partial`).toBeDefined();
  expect(error.partial!.status).toBe("stopped");
  expect(error.partial!.messages).toContainEqual({ role: "user", content: input });
}

async function expectServerGone(pid: number): Promise<void> {
  await waitFor(() => !isAlive(pid), 5_000, `the MCP server (pid ${pid}) to be stopped`);
}

describe("closing while an MCP server is still connecting", () => {
  it("runner.close() during runner.run settles the run with CLOSED or CANCELLED and its partial", async () => {
    const { runner, spec, serverStarted } = setup();
    const run = runner.run({ input: "go", model: "sim/a", mcpServers: [spec] });
    const pid = await serverStarted();
    const closed = within(runner.close(), SETTLE_MS);
    const outcome = await within(run, SETTLE_MS);
    if (outcome === "pending") throw new Error(`the run was still pending ${SETTLE_MS} ms after runner.close()`);
    expectSettled(batonError(outcome, "run"), "go");
    expect(await closed).toMatchObject({ ok: true });
    await expectServerGone(pid);
  });

  it("runner.close() during runner.stream settles the stream: its iterator ends with run.failed and the error", async () => {
    const { runner, spec, serverStarted } = setup();
    const stream = runner.stream({ input: "go", model: "sim/a", mcpServers: [spec] });
    const types: string[] = [];
    const iterated = within(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
      SETTLE_MS * 2,
    );
    const pid = await serverStarted();
    await within(runner.close(), SETTLE_MS);
    const outcome = await within(stream.result, SETTLE_MS);
    if (outcome === "pending") throw new Error(`the stream was still pending ${SETTLE_MS} ms after runner.close()`);
    expectSettled(batonError(outcome, "stream.result"), "go");
    expect(await iterated).not.toBe("pending");
    expect(types.at(-1)).toBe("run.failed");
    await expectServerGone(pid);
  });

  it("team.stop() during team.run settles the run with CLOSED or CANCELLED and its partial; the Runner works after", async () => {
    const { runner, spec, serverStarted } = setup();
    const team = runner.team({ model: "sim/a", mcpServers: [spec] });
    const run = team.run("go");
    await serverStarted();
    const stopped = within(team.stop(), SETTLE_MS);
    const outcome = await within(run, SETTLE_MS);
    if (outcome === "pending") throw new Error(`the run was still pending ${SETTLE_MS} ms after team.stop()`);
    expectSettled(batonError(outcome, "team.run"), "go");
    expect(await stopped).toMatchObject({ ok: true });
    expect(await runner.run({ input: "plain", model: "sim/a" })).toMatchObject({ finalOutput: "never reached" });
  });

  it("runner.close() during team.run settles the run with CLOSED or CANCELLED and its partial", async () => {
    const { runner, spec, serverStarted } = setup();
    const team = runner.team({ model: "sim/a", mcpServers: [spec] });
    const run = team.run("go");
    const pid = await serverStarted();
    await within(runner.close(), SETTLE_MS);
    const outcome = await within(run, SETTLE_MS);
    if (outcome === "pending") throw new Error(`the run was still pending ${SETTLE_MS} ms after runner.close()`);
    expectSettled(batonError(outcome, "team.run"), "go");
    await expectServerGone(pid);
  });
});
