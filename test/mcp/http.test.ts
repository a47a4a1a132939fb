/**
 * server-everything over HTTP (bound to 127.0.0.1): Streamable HTTP, the SSE fallback, and a
 * server that goes away mid-call (the SDK's HTTP transports do not report that by themselves).
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, type HttpServer, harnessPerTest, startEverythingHttp, waitFor } from "./harness.js";

const servers: HttpServer[] = [];
const serve = async (mode: "streamableHttp" | "sse", port?: number) => {
  const server = await startEverythingHttp(mode, port);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill()));
});
const open = harnessPerTest();

const transportOf = (h: Harness, name: string) => (h.service(name).getSnapshot() as { context: { transport?: string } }).context.transport;

describe("server-everything over HTTP", () => {
  it("connects with Streamable HTTP", async () => {
    const server = await serve("streamableHttp");
    const h = open();
    const url = `http://127.0.0.1:${server.port}/mcp`;
    const tools = await h.pool.ensure([url]);
    const name = `local_${server.port}`;
    expect(h.pool.status()).toEqual({ [name]: "ready" });
    expect(transportOf(h, name)).toBe("streamable-http");
    expect(tools.find((t) => t.spec.name === "echo")).toMatchObject({ service: `mcp:${name}`, source: name });
    expect(await h.call(name, "echo", { message: "over http" })).toMatchObject({ isError: false, content: "Echo: over http" });
    const progress = await h.call(name, "trigger-long-running-operation", { duration: 0.4, steps: 2 });
    expect(progress.content).toContain("Long running operation completed");
    expect(await h.pool.ensure([{ url, name: "ignored-for-the-same-server" }])).toHaveLength(tools.length);
    expect(h.spawned).toEqual([`mcp:${name}`]);
  });

  it("falls back to SSE when the server does not speak Streamable HTTP", async () => {
    const server = await serve("sse");
    const h = open();
    await h.pool.ensure([{ url: `http://127.0.0.1:${server.port}/sse`, name: "legacy" }]);
    expect(transportOf(h, "legacy")).toBe("sse");
    expect(await h.call("legacy", "echo", { message: "over sse" })).toMatchObject({ isError: false, content: "Echo: over sse" });
    const sum = await h.call("legacy", "get-sum", { a: 1, b: 2 });
    expect(sum.content).toContain("3");
  });

  it("does not hang a call when the server goes away, and reconnects when it is back", async () => {
    const server = await serve("streamableHttp");
    const h = open({ callTimeoutMs: 30_000, restart: { maxAttempts: 40, baseDelayMs: 100, maxDelayMs: 250 } });
    await h.pool.ensure([{ url: `http://127.0.0.1:${server.port}/mcp`, name: "remote" }]);
    const inFlight = h.start("remote", "trigger-long-running-operation", { duration: 30, steps: 30 });
    await new Promise((r) => setTimeout(r, 300));
    const goneAt = Date.now();
    await server.kill();
    const failed = await inFlight.result;
    expect(Date.now() - goneAt).toBeLessThan(6000); // far below the 30 s call timeout
    expect(failed.isError).toBe(true);
    expect(failed.content).toMatch(/^The connection to MCP server "remote" was lost while running this call/);
    expect(failed.content).toContain("baton is reconnecting to it");
    await waitFor(() => h.pool.status()["remote"] === "reconnecting", 5000, "reconnecting");

    const waiting = h.call("remote", "echo", { message: "back again" });
    await serve("streamableHttp", server.port);
    expect(await waiting).toMatchObject({ isError: false, content: "Echo: back again" });
    expect(h.pool.status()).toEqual({ remote: "ready" });
  });

  it("reports an unreachable URL as MCP_ERROR naming the URL", async () => {
    const server = await serve("streamableHttp");
    const port = server.port;
    await server.kill();
    const h = open({ connectTimeoutMs: 5000 });
    const error = await h.pool.ensure([`http://127.0.0.1:${port}/mcp`]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MCP_ERROR" });
    expect((error as Error).message).toContain(`failed to start (http://127.0.0.1:${port}/mcp)`);
    expect((error as Error).message).toMatch(/Streamable HTTP: .*; SSE: /);
  });
});
