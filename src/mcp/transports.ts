/**
 * Which transports a connection tries, in order (DESIGN §5): Streamable HTTP first with SSE as
 * the fallback, unless the spec names one; a reconnect to a server that only spoke SSE goes
 * straight to SSE. Pure; the service machine decides, the connection tries.
 */
import type { ServerTransport, TransportKind } from "./spec.js";

export function transportOrder(transport: ServerTransport, lastWorked?: TransportKind): TransportKind[] {
  if (transport === "stdio") return ["stdio"];
  if (transport !== "auto") return [transport];
  return lastWorked === "sse" ? ["sse"] : ["streamable-http", "sse"];
}

export function transportLabel(kind: TransportKind): string {
  return kind === "sse" ? "SSE" : kind === "stdio" ? "stdio" : "Streamable HTTP";
}
