/**
 * Trace context on MCP HTTP requests: the MCP SDK's client talks Streamable HTTP to the real
 * server-everything; a tools/call carrying `params._meta.traceparent` goes out with the same
 * W3C `traceparent` / `tracestate` headers, other requests without them.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterEach, describe, expect, it } from "vitest";
import { fetchWithTraceHeaders } from "../../actors/observability/traceHeaders.js";
import { traceContextOfBody, withTraceMeta } from "../../src/observability/traceContext.js";
import { type HttpServer, startEverythingHttp } from "../mcp/harness.js";

let server: HttpServer | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  await server?.kill();
  client = undefined;
  server = undefined;
});

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("trace context on MCP HTTP requests", () => {
  it("a tools/call with params._meta.traceparent carries it in its HTTP headers to server-everything", async () => {
    server = await startEverythingHttp("streamableHttp");
    const sent: Array<{ method: string; traceparent: string | null; tracestate: string | null }> = [];
    const spy = async (url: string | URL, init?: RequestInit) => {
      const headers = new Headers(init?.headers);
      if (init?.method === "POST" && typeof init.body === "string") {
        const body = JSON.parse(init.body) as { method?: string };
        sent.push({ method: body.method ?? "(response)", traceparent: headers.get("traceparent"), tracestate: headers.get("tracestate") });
      }
      return fetch(url, init);
    };
    const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${server.port}/mcp`), {
      fetch: fetchWithTraceHeaders(spy),
    });
    client = new Client({ name: "trace-test", version: "1.0.0" });
    await client.connect(transport);
    const context = { traceparent: TRACEPARENT, tracestate: "baton=1" };
    const result = await client.callTool({ name: "echo", arguments: { message: "traced" }, _meta: withTraceMeta(undefined, context) });
    expect(JSON.stringify(result.content)).toContain("traced");
    const call = sent.find((s) => s.method === "tools/call");
    expect(call).toEqual({ method: "tools/call", traceparent: TRACEPARENT, tracestate: "baton=1" });
    expect(sent.find((s) => s.method === "initialize")).toEqual({ method: "initialize", traceparent: null, tracestate: null });
  });

  it("reads the context only from a well-formed traceparent in params._meta", () => {
    const body = (meta: unknown) => JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "x", _meta: meta } });
    expect(traceContextOfBody(body({ traceparent: TRACEPARENT }))).toEqual({ traceparent: TRACEPARENT });
    expect(traceContextOfBody(`[${body({ progressToken: 1 })},${body({ traceparent: TRACEPARENT, tracestate: "a=1" })}]`)).toEqual({
      traceparent: TRACEPARENT,
      tracestate: "a=1",
    });
    expect(traceContextOfBody(body({ traceparent: "not-a-traceparent" }))).toBeUndefined();
    expect(traceContextOfBody('{"traceparent": ')).toBeUndefined();
    expect(withTraceMeta({ progressToken: 7 }, undefined)).toEqual({ progressToken: 7 });
    expect(withTraceMeta({ progressToken: 7 }, { traceparent: TRACEPARENT })).toEqual({ progressToken: 7, traceparent: TRACEPARENT });
  });
});
