/**
 * `baton trace run.jsonl [-o run.html]`: renders a trace file as one self-contained HTML page.
 * Also what `baton run --trace run.jsonl --trace-html run.html` uses to record and render a run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { InspectionEvent } from "xstate";
import { createTraceRecorder, type TraceRecorder } from "../../actors/observability/traceFile.js";
import { BatonError } from "../errors.js";
import type { RunEvent } from "../events.js";
import { renderTraceHtml } from "../observability/html.js";
import type { Output } from "./render.js";

export const TRACE_USAGE = `baton trace — render a trace file as one HTML page (no network needed to view it)

Usage:
  baton trace <run.jsonl> [-o <run.html>] [--title <text>]

Options:
  -o, --output <file>   where to write the page (default: the trace's name with .html)
      --title <text>    the page title (default "baton trace")
  -h, --help            this help

Record a trace with \`baton run … --trace run.jsonl\` (or --trace-html run.html for both at
once), or in a program with runner.run({ …, trace: "run.jsonl" }).`;

interface TraceIO {
  stdout: Output;
  stderr: Output;
}

/** The `baton trace` command. Returns the exit code (0 done, 1 failed, 2 bad usage). */
export function traceCommand(argv: readonly string[], io: TraceIO): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr.write(`baton trace: ${error instanceof Error ? error.message : String(error)}\nRun baton trace --help for usage.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${TRACE_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) {
    io.stderr.write(`baton trace: give one trace file, e.g. baton trace run.jsonl -o run.html (got ${positionals.length}).\n`);
    return 2;
  }
  const input = positionals[0]!;
  const output = values.output ?? htmlPathFor(input);
  let text: string;
  try {
    text = readFileSync(input, "utf8");
  } catch (error) {
    io.stderr.write(`baton trace: cannot read "${input}": ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  try {
    writeFileSync(output, renderTraceHtml(text, values.title ? { title: values.title } : {}));
  } catch (error) {
    const message = error instanceof BatonError ? `${input}: ${error.message}` : error instanceof Error ? error.message : String(error);
    io.stderr.write(`baton trace: ${message}\n`);
    return 1;
  }
  io.stderr.write(`Wrote ${output}\n`);
  return 0;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      output: { type: "string", short: "o" },
      title: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** `run.jsonl` → `run.html`, `trace` → `trace.html`. */
export function htmlPathFor(input: string): string {
  return /\.jsonl?$/i.test(input) ? input.replace(/\.jsonl?$/i, ".html") : `${input}.html`;
}

/** A run's trace for `baton run --trace/--trace-html`: feed it, then `finish()` writes the files. */
export interface RunTrace {
  onEvent(event: RunEvent): void;
  onInspect(event: InspectionEvent): void;
  /** Closes the trace file and renders the page, telling `say` what it wrote or why it could not. Never throws. */
  finish(say: (line: string) => void): Promise<void>;
}

/** Records to `tracePath` (if given) and renders `htmlPath` (if given) at the end. */
export function runTrace(tracePath: string | undefined, htmlPath: string | undefined): RunTrace | undefined {
  if (tracePath === undefined && htmlPath === undefined) return undefined;
  const chunks: string[] = [];
  // Without --trace the lines are kept in memory just long enough to render the page.
  const target: string | WritableStream<string> = tracePath ?? new WritableStream<string>({ write: (chunk) => void chunks.push(chunk) });
  const recorder: TraceRecorder = createTraceRecorder(target);
  return {
    onEvent: recorder.onEvent,
    onInspect: recorder.onInspect,
    finish: async (say) => {
      try {
        await recorder.close();
        if (tracePath !== undefined) say(`trace: ${tracePath}`);
        if (htmlPath !== undefined) {
          const text = tracePath === undefined ? chunks.join("") : readFileSync(tracePath, "utf8");
          writeFileSync(htmlPath, renderTraceHtml(text));
          say(`trace page: ${htmlPath}`);
        }
      } catch (error) {
        say(`baton: the trace was not written: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
