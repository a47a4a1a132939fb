/**
 * A `fetch` for the MCP SDK's HTTP transports (`new StreamableHTTPClientTransport(url, { fetch })`,
 * likewise SSE) that copies the trace context of each MCP request (`params._meta.traceparent`)
 * into the HTTP `traceparent` / `tracestate` headers of the POST that carries it.
 */
import { traceContextOfBody } from "../../src/observability/traceContext.js";

export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export function fetchWithTraceHeaders(base: FetchLike = fetch): FetchLike {
  return (url, init) => {
    const context = typeof init?.body === "string" ? traceContextOfBody(init.body) : undefined;
    if (!context) return base(url, init);
    const headers = new Headers(init?.headers);
    headers.set("traceparent", context.traceparent);
    if (context.tracestate) headers.set("tracestate", context.tracestate);
    return base(url, { ...init, headers });
  };
}
