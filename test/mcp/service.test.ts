/**
 * The MCP service machine on its own (issue 12): createActor with a stub connection and a stub
 * outbox (machine.provide), a simulated clock, and every transition that matters: connect →
 * ready → reconnecting → failed, queueing, timeouts, approvals, cancellation and shutdown.
 */
import { describe, expect, it } from "vitest";
import { createActor, createMachine, fromCallback, SimulatedClock } from "xstate";
import { mcpReplies } from "../../actors/mcp/replies.js";
import type { ConnectionCommand, ConnectionInput, ConnectionReport, McpServiceInput, ReplyCommand } from "../../machines/mcp/protocol.js";
import { mcpServiceMachine, mcpServiceStatus } from "../../machines/mcp/service.js";
import type { ToolCallEvent } from "../../machines/tools/protocol.js";
import type { ApprovalRule } from "../../src/mcp/approval.js";
import { resolveMcpSettings } from "../../src/mcp/options.js";
import type { McpToolInfo } from "../../src/mcp/toolNames.js";

interface StubConnection {
  input: ConnectionInput;
  commands: ConnectionCommand[];
  stopped: boolean;
  report(event: DistributiveOmit<ConnectionReport, "gen">): void;
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const TOOLS: McpToolInfo[] = [{ name: "echo", inputSchema: { type: "object" } }];

function startService(options: { mode?: McpServiceInput["mode"]; approval?: ApprovalRule } = {}) {
  const settings = resolveMcpSettings({
    connectTimeoutMs: 1000,
    callTimeoutMs: 400,
    authorizationTimeoutMs: 60_000,
    restart: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1000 },
  });
  const connections: StubConnection[] = [];
  const replies: ReplyCommand[] = [];
  const clock = new SimulatedClock();
  const machine = mcpServiceMachine.provide({
    actors: {
      connection: fromCallback<ConnectionCommand, ConnectionInput>(({ input, receive, sendBack }) => {
        const connection: StubConnection = {
          input,
          commands: [],
          stopped: false,
          report: (event) => sendBack({ ...event, gen: input.gen } as ConnectionReport),
        };
        connections.push(connection);
        receive((command) => connection.commands.push(command));
        return () => {
          connection.stopped = true;
        };
      }),
      replies: fromCallback<ReplyCommand>(({ receive }) => {
        receive((command) => replies.push(command));
      }),
    },
  });
  const input: McpServiceInput = { name: "fs", mode: options.mode ?? "auto", settings, approval: options.approval ?? { kind: "never" } };
  const actor = createActor(machine, { input, clock }).start();
  let n = 0;
  const call = (name = "echo", extra: Partial<ToolCallEvent> = {}): string => {
    const callId = `c${++n}`;
    actor.send({
      type: "TOOL.CALL",
      callId,
      name,
      args: { n },
      replyTo: "agent:t:a",
      runId: "r",
      agent: "a",
      model: "sim/a",
      idempotencyKey: `r:${callId}`,
      ...extra,
    });
    return callId;
  };
  const answers = () => replies.filter((r): r is Extract<ReplyCommand, { type: "REPLY" }> => r.type === "REPLY");
  const answerTo = (callId: string) => answers().find((r) => r.callId === callId);
  const status = () => mcpServiceStatus(actor.getSnapshot());
  const last = () => connections.at(-1)!;
  return { actor, clock, connections, replies, call, answers, answerTo, status, last, settings };
}

describe("the MCP service machine", () => {
  it("connects, becomes ready, sends calls to the connection and answers through the outbox", () => {
    const s = startService();
    expect(s.status()).toBe("connecting");
    expect(s.connections).toHaveLength(1);
    expect(s.last().input).toEqual({
      gen: 1,
      transports: ["streamable-http", "sse"],
      connectTimeoutMs: 1000,
      authorizationTimeoutMs: 60_000,
      probeTimeoutMs: 250,
    });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    expect(s.status()).toBe("ready");
    expect(s.actor.getSnapshot().context.tools).toEqual(TOOLS);

    const id = s.call();
    expect(s.replies[0]).toEqual({ type: "REPLY.START", callId: id });
    expect(s.last().commands).toEqual([
      {
        type: "CALL",
        callId: id,
        name: "echo",
        args: { n: 1 },
        timeoutMs: 400,
        origin: { runId: "r", agent: "a", idempotencyKey: `r:${id}` },
      },
    ]);
    s.last().report({ type: "CONN.RESULT", callId: id, content: [{ type: "text", text: "hi" }], isError: false, suspect: false });
    expect(s.answerTo(id)).toEqual({
      type: "REPLY",
      callId: id,
      replyTo: "agent:t:a",
      content: [{ type: "text", text: "hi" }],
      isError: false,
    });
    // A second report for the same call, or one from an old connection, changes nothing.
    s.last().report({ type: "CONN.RESULT", callId: id, content: "again", isError: false, suspect: false });
    s.actor.send({ type: "CONN.RESULT", gen: 0, callId: id, content: "old", isError: false, suspect: false });
    expect(s.answers()).toHaveLength(1);
    s.actor.send({ type: "CONN.TOOLS", gen: 1, tools: [...TOOLS, { name: "late", inputSchema: {} }] });
    expect(s.actor.getSnapshot().context.tools.map((t) => t.name)).toEqual(["echo", "late"]);
  });

  it("queues calls until the server is ready, and answers a call that waits past its timeout", () => {
    const s = startService();
    const early = s.call();
    const expiring = s.call("echo", { timeoutMs: 200 });
    expect(s.last().commands).toEqual([]);
    s.clock.increment(200);
    expect(s.answerTo(expiring)).toMatchObject({
      isError: true,
      content: 'MCP server "fs" is restarting and was not back within 200 ms; the call was not made.',
    });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "sse" });
    expect(s.last().commands).toEqual([
      {
        type: "CALL",
        callId: early,
        name: "echo",
        args: { n: 1 },
        timeoutMs: 400,
        origin: { runId: "r", agent: "a", idempotencyKey: `r:${early}` },
      },
    ]);
    s.clock.increment(1000); // the early call's wait timer was cancelled when it went out
    expect(s.answerTo(early)).toBeUndefined();
  });

  it("fails after the connect timeout: waiting and new calls get the reason, RETRY starts again", () => {
    const s = startService();
    const waiting = s.call("echo", { timeoutMs: 5000 });
    s.clock.increment(1000);
    expect(s.status()).toBe("failed");
    expect(s.last().stopped).toBe(true);
    expect(s.answerTo(waiting)?.content).toContain("did not finish starting (initialize and tools/list) within 1000 ms");
    const later = s.call();
    expect(s.answerTo(later)).toMatchObject({ isError: true, content: expect.stringContaining('MCP server "fs" is not available') });
    s.actor.send({ type: "RETRY" });
    expect(s.status()).toBe("connecting");
    expect(s.connections).toHaveLength(2);
  });

  it("reconnects after the connection closes: calls in flight fail at once, the transport that worked is tried first", () => {
    const s = startService();
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "sse" });
    const running = s.call();
    s.last().report({ type: "CONN.CLOSED", failure: { message: "gone", stderr: "" } });
    expect(s.status()).toBe("reconnecting");
    expect(s.connections[0]!.stopped).toBe(true);
    expect(s.answerTo(running)?.content).toMatch(
      /^The connection to MCP server "fs" was lost while running this call \(gone\); baton is reconnecting to it \(attempt 1 of 2\)\./,
    );
    const queued = s.call();
    expect(s.connections).toHaveLength(1); // backoff first
    s.clock.increment(100);
    expect(s.connections).toHaveLength(2);
    expect(s.last().input.transports).toEqual(["sse"]);
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "sse" });
    expect(s.status()).toBe("ready");
    expect(s.last().commands.map((c) => c.type === "CALL" && c.callId)).toEqual([queued]);
  });

  it("gives up after the restart limit, and at once on an authorization problem", () => {
    const s = startService({ mode: "stdio" });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "stdio" });
    s.last().report({ type: "CONN.CLOSED", failure: { message: "exited", stderr: "boom" } });
    s.clock.increment(100);
    s.last().report({ type: "CONN.FAILED", failure: { message: "spawn failed", stderr: "no such file" } });
    expect(s.status()).toBe("reconnecting");
    s.clock.increment(200);
    expect(s.connections.map((c) => c.input.transports)).toEqual([["stdio"], ["stdio"], ["stdio"]]);
    s.last().report({ type: "CONN.FAILED", failure: { message: "spawn failed again", stderr: "" } });
    expect(s.status()).toBe("failed");
    expect(s.actor.getSnapshot().context.lastError).toEqual({ message: "spawn failed again", stderr: "" });

    const h = startService();
    h.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    h.last().report({ type: "CONN.CLOSED", failure: { message: "gone", stderr: "" } });
    h.clock.increment(100);
    const auth = { reason: "rejected" as const, detail: "invalid_grant" };
    h.last().report({ type: "CONN.FAILED", failure: { message: "refused", stderr: "", auth } });
    expect(h.status()).toBe("failed");
    h.clock.increment(10_000);
    expect(h.connections).toHaveLength(2); // no more attempts
    expect(h.actor.getSnapshot().context.lastError?.auth).toEqual(auth);
  });

  it("waits for a person authorizing instead of the connect timeout, up to the authorization timeout", () => {
    const s = startService();
    s.last().report({ type: "CONN.AUTHORIZING" });
    s.clock.increment(5000);
    expect(s.status()).toBe("connecting");
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    expect(s.status()).toBe("ready");

    const t = startService();
    t.last().report({ type: "CONN.AUTHORIZING" });
    t.clock.increment(60_000);
    expect(t.status()).toBe("failed");
    expect(t.actor.getSnapshot().context.lastError?.message).toBe("nobody finished authorizing it within 60 s");
  });

  it("answers calls that need approval without calling the server, and runs approved ones", () => {
    const s = startService({ approval: { kind: "tools", tools: ["write"] } });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    const held = s.call("write");
    expect(s.answerTo(held)).toEqual({
      type: "REPLY",
      callId: held,
      replyTo: "agent:t:a",
      content: "write needs approval",
      isError: false,
      needsApproval: true,
    });
    const approved = s.call("write", { approved: true });
    const free = s.call("echo");
    expect(s.last().commands.map((c) => c.type === "CALL" && c.callId)).toEqual([approved, free]);

    // Needs approval even while the server is down: the answer does not depend on it.
    const down = startService({ approval: { kind: "always" } });
    down.clock.increment(1000);
    const id = down.call("anything");
    expect(down.answerTo(id)).toMatchObject({ needsApproval: true, isError: false, content: "anything needs approval" });
  });

  it("asks the connection to run a function rule, and passes its verdict on", () => {
    const s = startService({ approval: { kind: "ask" } });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "stdio" });
    const id = s.call("write");
    const origin = (callId: string) => ({ runId: "r", agent: "a", idempotencyKey: `r:${callId}` });
    expect(s.last().commands).toEqual([
      { type: "CALL", callId: id, name: "write", args: { n: 1 }, timeoutMs: 400, checkApproval: true, origin: origin(id) },
    ]);
    s.last().report({
      type: "CONN.RESULT",
      callId: id,
      content: "write needs approval",
      isError: false,
      suspect: false,
      needsApproval: true,
    });
    expect(s.answerTo(id)).toMatchObject({ needsApproval: true, isError: false });
    const approved = s.call("write", { approved: true });
    expect(s.last().commands.at(-1)).toEqual({
      type: "CALL",
      callId: approved,
      name: "write",
      args: { n: 2 },
      timeoutMs: 400,
      origin: origin(approved),
    });
  });

  it("cancels running and queued calls, and tells the connection", () => {
    const s = startService();
    const queued = s.call();
    s.actor.send({ type: "TOOL.CANCEL", callId: queued });
    expect(s.answerTo(queued)).toMatchObject({ isError: true, content: "Tool call cancelled." });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    expect(s.last().commands).toEqual([]);
    const running = s.call();
    s.actor.send({ type: "TOOL.CANCEL", callId: running });
    expect(s.last().commands.at(-1)).toEqual({ type: "CANCEL", callId: running });
    expect(s.answers().filter((a) => a.callId === running)).toHaveLength(1);
  });

  it("pings an HTTP server while calls run, and probes after a suspect result", () => {
    const s = startService();
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    const id = s.call("echo", { timeoutMs: 60_000 });
    s.clock.increment(s.settings.heartbeatMs);
    expect(s.last().commands.filter((c) => c.type === "PROBE")).toHaveLength(1);
    s.last().report({ type: "CONN.RESULT", callId: id, content: "network error", isError: true, suspect: true });
    expect(s.last().commands.filter((c) => c.type === "PROBE")).toHaveLength(2);
    s.clock.increment(s.settings.heartbeatMs * 3); // no calls: no pings
    expect(s.last().commands.filter((c) => c.type === "PROBE")).toHaveLength(2);
  });

  it("answers every call on shutdown and stops its connection", () => {
    const s = startService();
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    const running = s.call();
    s.last().report({ type: "CONN.CLOSED", failure: { message: "gone", stderr: "" } });
    const queued = s.call();
    s.clock.increment(100);
    const inFlight = s.call(); // reconnecting: queued too
    s.actor.send({ type: "SHUTDOWN" });
    expect(s.status()).toBe("stopped");
    expect(s.last().stopped).toBe(true);
    expect(s.answerTo(running)?.content).toContain("was lost");
    for (const id of [queued, inFlight])
      expect(s.answerTo(id)?.content).toBe('MCP server "fs" was shut down (the runner is closing); the call did not complete.');
  });

  it("exchanges only plain data: every message survives JSON", () => {
    const s = startService({ approval: { kind: "ask" } });
    s.last().report({ type: "CONN.READY", tools: TOOLS, transport: "streamable-http" });
    s.call("write");
    s.actor.send({ type: "SHUTDOWN" });
    const messages = [...s.replies, ...s.connections.flatMap((c) => [c.input, ...c.commands])];
    expect(messages.length).toBeGreaterThan(3);
    for (const message of messages) expect(JSON.parse(JSON.stringify(message))).toEqual(message);
    const context = s.actor.getSnapshot().context;
    expect(JSON.parse(JSON.stringify(context))).toEqual(context);
  });
});

describe("the MCP service outbox", () => {
  it("stamps at and ms (queueing included) and delivers to the caller's systemId; the machine's shutdown answers reach it", async () => {
    const received: unknown[] = [];
    const host = createMachine({
      invoke: [
        { id: "agent", systemId: "agent:t:a", src: fromCallback(({ receive }) => receive((e) => received.push(e))) },
        { id: "replies", src: mcpReplies },
      ],
    });
    const actor = createActor(host).start();
    const replies = actor.getSnapshot().children["replies"]!;
    const before = Date.now();
    replies.send({ type: "REPLY.START", callId: "c1" });
    await new Promise((r) => setTimeout(r, 30));
    replies.send({ type: "REPLY", callId: "c1", replyTo: "agent:t:a", content: "done", isError: false });
    replies.send({ type: "REPLY", callId: "c2", replyTo: "agent:t:gone", content: "x", isError: true }); // no such actor: dropped
    expect(received).toHaveLength(1);
    const result = received[0] as { ms: number; at: number };
    expect(result).toMatchObject({ type: "TOOL.RESULT", callId: "c1", content: "done", isError: false });
    expect(result.ms).toBeGreaterThanOrEqual(25);
    expect(result.at).toBeGreaterThanOrEqual(before);
    actor.stop();
  });
});
