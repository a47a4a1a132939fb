/**
 * W3C trace context on MCP Streamable HTTP requests made by a run: the `tools/call` of a traced
 * run carries its `execute_tool` span's `traceparent` (header and `params._meta`); a run whose
 * caller has an active span but no SDK registered passes the caller's context on; with neither,
 * no request carries one.
 */
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Runner, type RunOptions } from "../../src/index.js";
import type { SimRequest } from "../../src/sim/index.js";
import { type HeaderServer, startHeaderServer } from "./fixtures/headerServer.js";
import { memoryTracing, spanTree } from "./support.js";

let server: HeaderServer;
let runner: Runner | undefined;
beforeEach(async () => {
  server = await startHeaderServer();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  await server.close();
  trace.disable();
  context.disable();
});

const scripts = {
  a: (request: SimRequest) =>
    request.messages.some((m) => m.role === "tool") ? { text: "echoed" } : { toolCalls: [{ name: "echo", args: { message: "hi" } }] },
};

function mcpRun(): RunOptions {
  return { input: "echo hi", model: "sim/a", mcpServers: [{ url: server.url, name: "headers" }] };
}

const calls = () => server.seen.filter((s) => s.method === "tools/call");
const others = () => server.seen.filter((s) => s.method !== "tools/call");

describe("traceparent on MCP HTTP requests", () => {
  it("a traced run's tools/call carries its execute_tool span's context, in the header and in params._meta", async () => {
    const { provider, spans } = memoryTracing();
    trace.setGlobalTracerProvider(provider);
    runner = new Runner({ providers: { sim: { scripts } } });
    const result = await runner.run(mcpRun());
    expect(result.finalOutput).toBe("echoed");

    const tree = spanTree(spans());
    const echo = tree.one("execute_tool echo");
    expect(echo.attributes).toMatchObject({ "baton.mcp.server": "headers", "mcp.method.name": "tools/call" });
    const { traceId, spanId } = echo.spanContext();
    const expected = `00-${traceId}-${spanId}-01`;
    expect(calls()).toEqual([
      { method: "tools/call", traceparent: expected, tracestate: undefined, meta: expect.objectContaining({ traceparent: expected }) },
    ]);
    expect(tree.one("invoke_workflow baton").spanContext().traceId).toBe(traceId);
    // Connecting and listing tools happen outside any run: no trace context.
    expect(others().length).toBeGreaterThan(0);
    for (const request of others()) expect(request.traceparent).toBeUndefined();
  });

  it("with no SDK registered, the caller's active span context (an incoming traceparent) goes on to the MCP server", async () => {
    runner = new Runner({ providers: { sim: { scripts } } });
    const parent = trace.setSpanContext(context.active(), {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
      isRemote: true,
    });
    const result = await context.with(parent, () => runner!.run(mcpRun()));
    expect(result.finalOutput).toBe("echoed");
    const [call] = calls();
    expect(call?.traceparent).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    expect(call?.meta?.["traceparent"]).toBe(call?.traceparent);
  });

  it("with no SDK and no active span, no request carries a traceparent", async () => {
    runner = new Runner({ providers: { sim: { scripts } } });
    expect((await runner.run(mcpRun())).finalOutput).toBe("echoed");
    expect(calls()).toHaveLength(1);
    for (const request of server.seen) {
      expect(request.traceparent).toBeUndefined();
      expect(request.meta?.["traceparent"]).toBeUndefined();
    }
  });
});
