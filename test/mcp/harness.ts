/**
 * Test harness for the MCP pool without the Runner: a root actor that spawns the service actors
 * (as the Runner's root does), a replyTo actor collecting TOOL.RESULT events, and helpers to run
 * the reference servers (stdio commands, and HTTP servers bound to 127.0.0.1).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { afterEach } from "vitest";
import { type AnyActorLogic, type AnyActorRef, createActor, enqueueActions, fromCallback, setup } from "xstate";
import { McpPool, type McpPoolInit } from "../../actors/mcp/pool.js";
import type { ToolCallEvent, ToolResultEvent } from "../../machines/tools/protocol.js";
import type { SampleFn } from "../../src/mcp/sampling.js";

const modules = path.resolve(import.meta.dirname, "../../node_modules/@modelcontextprotocol");
export const EVERYTHING = path.join(modules, "server-everything/dist/index.js");
export const FILESYSTEM = path.join(modules, "server-filesystem/dist/index.js");
export const MEMORY = path.join(modules, "server-memory/dist/index.js");
export const LOOPBACK = path.resolve(import.meta.dirname, "fixtures/loopback.mjs");
export const NODE = process.execPath;

type HostEvent = { type: "SPAWN"; logic: AnyActorLogic; systemId: string; input: unknown } | { type: "STOP"; ref: AnyActorRef };

const hostMachine = setup({ types: { events: {} as HostEvent } }).createMachine({
  on: {
    SPAWN: {
      actions: enqueueActions(({ enqueue, event }) => {
        enqueue.spawnChild(event.logic, { systemId: event.systemId, input: event.input });
      }),
    },
    STOP: {
      actions: enqueueActions(({ enqueue, event }) => {
        enqueue.stopChild(event.ref);
      }),
    },
  },
});

/** Collects the TOOL.RESULT events services send back. */
function collectorLogic(onResult: (result: ToolResultEvent) => void) {
  return fromCallback<ToolResultEvent>(({ receive }) => {
    receive((event) => {
      if (event.type === "TOOL.RESULT") onResult(event);
    });
  });
}

export interface Harness {
  pool: McpPool;
  root: ReturnType<typeof createActor<typeof hostMachine>>;
  /** systemIds spawned through the pool, in order. */
  spawned: string[];
  samples: Array<{ model: string; request: Parameters<SampleFn>[1] }>;
  service(name: string): AnyActorRef;
  /** Sends TOOL.CALL to `mcp:<server>` and waits for its TOOL.RESULT. */
  call(server: string, tool: string, args?: Record<string, unknown>, extra?: Partial<ToolCallEvent>): Promise<ToolResultEvent>;
  /** Sends TOOL.CALL and returns the callId and the pending result. */
  start(
    server: string,
    tool: string,
    args?: Record<string, unknown>,
    extra?: Partial<ToolCallEvent>,
  ): { callId: string; result: Promise<ToolResultEvent> };
  close(): Promise<void>;
}

/**
 * `open(init)` for one test file: each harness it opens is closed after its test. Call it after
 * the file's own afterEach (hooks run in reverse), so harnesses close before the rest is torn down.
 */
export function harnessPerTest(): (init?: Partial<McpPoolInit>) => Harness {
  const opened: Harness[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
  });
  return (init) => {
    const h = createHarness(init);
    opened.push(h);
    return h;
  };
}

export function createHarness(init: Partial<McpPoolInit> = {}): Harness {
  const root = createActor(hostMachine).start();
  const spawned: string[] = [];
  const samples: Harness["samples"] = [];
  const waiters = new Map<string, (result: ToolResultEvent) => void>();
  const early = new Map<string, ToolResultEvent>();
  root.send({
    type: "SPAWN",
    systemId: "test:collector",
    logic: collectorLogic((result) => {
      const waiter = waiters.get(result.callId);
      if (waiter) waiter(result);
      else early.set(result.callId, result);
    }),
    input: undefined,
  });
  const sample: SampleFn = async (model, request) => {
    samples.push({ model, request });
    return { model, text: `sampled by ${model}: ${request.messages.map((m) => m.text).join(" | ")}`, stopReason: "stop" };
  };
  let pool: McpPool;
  try {
    pool = new McpPool({
      sample,
      ...init,
      spawn: (logic, systemId, input) => {
        spawned.push(systemId);
        root.send({ type: "SPAWN", logic, systemId, input });
        return root.system.get(systemId) as AnyActorRef;
      },
      stopChild: (systemId) => {
        const ref = root.system.get(systemId) as AnyActorRef | undefined;
        if (ref) root.send({ type: "STOP", ref });
      },
    });
  } catch (error) {
    root.stop(); // bad options: nothing else was started
    throw error;
  }
  const service = (name: string) => {
    const ref = root.system.get(`mcp:${name}`) as AnyActorRef | undefined;
    if (!ref) throw new Error(`no service mcp:${name}`);
    return ref;
  };
  const start: Harness["start"] = (server, tool, args = {}, extra = {}) => {
    const callId = randomUUID();
    const result = new Promise<ToolResultEvent>((resolve) => {
      const seen = early.get(callId);
      if (seen) resolve(seen);
      else waiters.set(callId, resolve);
    });
    service(server).send({
      type: "TOOL.CALL",
      callId,
      name: tool,
      args,
      replyTo: "test:collector",
      agent: "sim/a",
      model: "sim/a",
      runId: "run-1",
      idempotencyKey: `run-1:${callId}`,
      ...extra,
    });
    return { callId, result };
  };
  return {
    pool,
    root,
    spawned,
    samples,
    service,
    start,
    call: (server, tool, args, extra) => start(server, tool, args, extra).result,
    close: async () => {
      await pool.close();
      root.stop();
    },
  };
}

/** The pid of a stdio server, from its service actor's context. */
export function pidOf(harness: Harness, server: string): number {
  const pid = (harness.service(server).getSnapshot() as { context: { pid?: number } }).context.pid;
  if (pid === undefined) throw new Error(`no pid for ${server}`);
  return pid;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface HttpServer {
  port: number;
  process: ChildProcess;
  /** SIGKILLs the server and waits for it to be gone. */
  kill(): Promise<void>;
}

/** Runs server-everything over HTTP ("streamableHttp" or "sse") on 127.0.0.1 (port 0 = any free). */
export async function startEverythingHttp(mode: "streamableHttp" | "sse", port = 0): Promise<HttpServer> {
  const child = spawn(NODE, ["--import", LOOPBACK, EVERYTHING, mode], {
    env: { PATH: process.env["PATH"] ?? "", PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  const bound = await new Promise<number>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`everything ${mode} did not start: ${text}`)), 15_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const match = /LISTENING (\d+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`everything ${mode} exited with ${code}: ${text}`));
    });
  }).catch(async (error: unknown) => {
    await kill();
    throw error;
  });
  child.stderr?.resume();
  return { port: bound, process: child, kill };
}
