/**
 * The trace file writer: an observer of a run's public events and of every actor message
 * (XState inspection), writing one JSON line per record. Records are built by
 * src/observability/records.ts; this file owns the clock and the output.
 */
import { closeSync, createWriteStream, openSync } from "node:fs";
import type { Writable } from "node:stream";
import type { InspectionEvent } from "xstate";
import { BatonError } from "../../src/errors.js";
import type { RunEvent } from "../../src/events.js";
import type { TraceDetail } from "../../src/observability/compact.js";
import { type TraceRecord, TraceRecordBuilder } from "../../src/observability/records.js";

export interface TraceRecorderOptions {
  /**
   * `summary` (default): heavy messages (transcripts in TASK and CALL, tool schemas) are cut to
   * counts and the last messages, and strings to `maxString`. `full`: everything as sent.
   */
  detail?: TraceDetail;
  /** Longest string kept in summary detail (default 2000 characters). */
  maxString?: number;
}

export interface TraceRecorder {
  /** Feed it every public run event (stream.on, team.on / team.subscribe). */
  onEvent(event: RunEvent): void;
  /** Feed it XState inspection events (the Runner's `inspect` option). */
  onInspect(event: InspectionEvent): void;
  /** Writes what is buffered and closes the output (a path's file, a stream: ended). */
  close(): Promise<void>;
}

/** Where a trace goes: a file path, a Node writable stream, or a web WritableStream. */
export type TraceTarget = string | Writable | WritableStream<string>;

const now = () => Math.round((performance.timeOrigin + performance.now()) * 1000) / 1000;

/**
 * Records a run to a JSON Lines trace: `baton trace run.jsonl -o run.html` renders it.
 *
 * ```ts
 * const trace = createTraceRecorder("run.jsonl");
 * const runner = new Runner({ inspect: trace.onInspect });
 * const stream = runner.stream({ … });
 * for (const name of ["run.started", …]) stream.on(name, trace.onEvent);
 * await stream.result; await trace.close();
 * ```
 */
export function createTraceRecorder(target: TraceTarget, options: TraceRecorderOptions = {}): TraceRecorder {
  const detail = options.detail ?? "summary";
  if (detail !== "summary" && detail !== "full") {
    throw new BatonError("INVALID_OPTIONS", `Trace detail must be "summary" or "full"; got ${JSON.stringify(detail)}.`);
  }
  const maxString = options.maxString ?? 2000;
  if (!Number.isInteger(maxString) || maxString < 16) {
    throw new BatonError("INVALID_OPTIONS", `Trace maxString must be a whole number ≥ 16; got ${String(options.maxString)}.`);
  }
  const output = openOutput(target);
  const builder = new TraceRecordBuilder({ detail, maxString });
  /** When each actor was spawned, by session id (its systemId is set only after). */
  const spawned = new Map<string, number>();
  let buffer: string[] = [];
  let scheduled = false;
  let closed = false;

  const flush = () => {
    scheduled = false;
    if (buffer.length === 0) return;
    const chunk = buffer.join("");
    buffer = [];
    output.write(chunk);
  };
  // One write per burst of synchronous actor steps, not one per record.
  const push = (record: TraceRecord) => {
    if (closed) return;
    buffer.push(`${JSON.stringify(record)}\n`);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
  };
  push(builder.meta(now()));

  return {
    onEvent: (event) => {
      push(builder.event(event, now()));
    },
    onInspect: (inspection) => {
      if (closed) return;
      if (inspection.type === "@xstate.actor") {
        spawned.set(inspection.actorRef.sessionId, now());
        return;
      }
      if (inspection.type !== "@xstate.event") return;
      const event = inspection.event as Record<string, unknown> & { type: string };
      if (event.type === "xstate.init" || event.type === "xstate.stop") return;
      const to = systemIdOf(inspection.actorRef);
      const from = systemIdOf(inspection.sourceRef);
      // Messages between unnamed actors are the Runner's own plumbing (spawning, shards).
      if (to === undefined) return;
      const t = now();
      const spawnTimes = (id: string) => (id === to ? spawned.get(inspection.actorRef.sessionId) : undefined);
      for (const record of builder.message({ from, to, event }, t, spawnTimes)) push(record);
    },
    close: async () => {
      if (closed) return output.done;
      flush();
      closed = true;
      await output.end();
    },
  };
}

function systemIdOf(ref: unknown): string | undefined {
  const id = (ref as { systemId?: unknown } | undefined)?.systemId;
  return typeof id === "string" ? id : undefined;
}

interface Output {
  write(chunk: string): void;
  end(): Promise<void>;
  done: Promise<void>;
}

function openOutput(target: TraceTarget): Output {
  if (typeof target === "string") {
    let fd: number;
    try {
      fd = openSync(target, "w");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BatonError(
        "INVALID_OPTIONS",
        `Cannot write the trace file "${target}": ${reason}. Check that its folder exists and is writable.`,
      );
    }
    try {
      return nodeOutput(createWriteStream("", { fd }), true);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }
  if (isWebStream(target)) return webOutput(target);
  if (typeof (target as Writable).write === "function") return nodeOutput(target as Writable, !isStdio(target as Writable));
  throw new BatonError("INVALID_OPTIONS", "A trace target is a file path, a Node writable stream or a WritableStream.");
}

function isWebStream(target: unknown): target is WritableStream<string> {
  return typeof (target as WritableStream).getWriter === "function";
}

function isStdio(stream: Writable): boolean {
  return stream === process.stdout || stream === process.stderr;
}

function nodeOutput(stream: Writable, endIt: boolean): Output {
  let failure: unknown;
  stream.on("error", (error) => {
    failure ??= error;
  });
  let ending: Promise<void> | undefined;
  const output: Output = {
    write: (chunk) => {
      if (failure === undefined) stream.write(chunk);
    },
    end: () => {
      ending ??= new Promise<void>((resolve, reject) => {
        const settle = () => (failure === undefined ? resolve() : reject(writeError(failure)));
        if (!endIt) {
          // Not ours to end (stdout): wait until what we wrote is handed to the OS.
          stream.write("", settle);
          return;
        }
        stream.end(settle);
      });
      output.done = ending;
      return ending;
    },
    done: Promise.resolve(),
  };
  return output;
}

function webOutput(stream: WritableStream<string>): Output {
  const writer = stream.getWriter();
  let failure: unknown;
  let chain: Promise<void> = Promise.resolve();
  const output: Output = {
    write: (chunk) => {
      chain = chain
        .then(() => writer.write(chunk))
        .catch((error: unknown) => {
          failure ??= error;
        });
    },
    end: async () => {
      await chain;
      await writer.close().catch((error: unknown) => {
        failure ??= error;
      });
      if (failure !== undefined) throw writeError(failure);
    },
    done: Promise.resolve(),
  };
  return output;
}

function writeError(error: unknown): BatonError {
  return new BatonError("INTERNAL", `Writing the trace failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
