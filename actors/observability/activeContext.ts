/** The W3C trace context of the span active in the caller's OpenTelemetry context, if any. */
import { context, isSpanContextValid, trace } from "@opentelemetry/api";
import { formatTraceparent } from "../../src/observability/genai.js";
import type { TraceContext } from "../../src/observability/traceContext.js";

export function activeTraceContext(): TraceContext | undefined {
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const ctx = span.spanContext();
  if (!isSpanContextValid(ctx)) return undefined;
  const traceparent = formatTraceparent(ctx.traceId, ctx.spanId, ctx.traceFlags);
  const tracestate = ctx.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
