/**
 * W3C trace context on MCP requests. The MCP conventions (semantic-conventions-genai, mcp.md)
 * carry it in the request's `params._meta` (`traceparent`, `tracestate`); over HTTP it also goes
 * in the headers, so proxies and HTTP instrumentation see the same trace.
 */

export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** `params._meta` with the trace context added (what an MCP client sends with tools/call). */
export function withTraceMeta(
  meta: Record<string, unknown> | undefined,
  context: TraceContext | undefined,
): Record<string, unknown> | undefined {
  if (!context) return meta;
  return { ...meta, traceparent: context.traceparent, ...(context.tracestate ? { tracestate: context.tracestate } : {}) };
}

/** The trace context a JSON-RPC request body carries in `params._meta`, if any (a batch: its first). */
export function traceContextOfBody(body: string): TraceContext | undefined {
  if (!body.includes("traceparent")) return undefined; // most bodies: no parse
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    const meta = (message as { params?: { _meta?: Record<string, unknown> } } | null)?.params?._meta;
    const traceparent = meta?.traceparent;
    if (typeof traceparent !== "string" || !TRACEPARENT.test(traceparent)) continue;
    const tracestate = meta?.tracestate;
    return typeof tracestate === "string" ? { traceparent, tracestate } : { traceparent };
  }
  return undefined;
}
