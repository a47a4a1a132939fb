import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** One server-sent event. `text` marks events that carry model text: latency is spread over them. */
export interface SseEvent {
  event?: string;
  data: string;
  text?: boolean;
}

export interface SseOptions {
  headers?: Record<string, string>;
  /** Wait before each text-carrying event. */
  delayMs?: number;
  /** Destroy the socket once this many events are on the wire. */
  cutAfter?: number;
  signal: AbortSignal;
}

export type SseOutcome = "done" | "cut" | "aborted";

export function formatSse(event: SseEvent): string {
  return `${event.event === undefined ? "" : `event: ${event.event}\n`}data: ${event.data}\n\n`;
}

function write(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => res.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/**
 * Streams events as `text/event-stream`, each written and flushed before the next, so clients
 * see them arrive one by one. With `cutAfter` the socket is destroyed mid-stream (after the
 * events before it reached the kernel), which clients see as a truncated response.
 */
export async function writeSse(res: ServerResponse, events: readonly SseEvent[], options: SseOptions): Promise<SseOutcome> {
  const { signal } = options;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    ...options.headers,
  });
  res.flushHeaders();
  const cut = () => {
    res.socket?.destroy();
    return "cut" as const;
  };
  if (options.cutAfter !== undefined && options.cutAfter <= 0) return cut();
  let sent = 0;
  try {
    for (const event of events) {
      if (event.text && options.delayMs) await sleep(options.delayMs, undefined, { signal });
      if (signal.aborted) return "aborted";
      await write(res, formatSse(event));
      sent++;
      if (options.cutAfter !== undefined && sent >= options.cutAfter) return cut();
    }
  } catch {
    // The client went away or the server is closing: nothing more to send.
    res.socket?.destroy();
    return "aborted";
  }
  res.end();
  return "done";
}
