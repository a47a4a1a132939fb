/** Checks of what each run brings: its input, earlier messages, limits and signal. */
import { BatonError } from "../errors.js";
import { type Content, checkMessages, type Message } from "../transcript/index.js";
import { checkLimit, read } from "./checkTeam.js";
import { describeValue } from "./describe.js";

export interface CheckedRun {
  input: Content;
  messages: Message[] | undefined;
  maxSteps: number | undefined;
  maxHandoffs: number | undefined;
  signal: AbortSignal | undefined;
  /** The run's trace settings (`trace` option), when given. */
  trace?: CheckedTrace;
  /** The run's id when its starter chose it (an engine's job, a cancellable run); else the team picks one. */
  runId?: string;
  /** Written into the run's first checkpoint: its team definition and the starter's own data. */
  origin?: { team?: string; meta?: Record<string, unknown> };
}

/** `trace` as the observers take it. */
export interface CheckedTrace {
  file?: string;
  captureContent: boolean;
}

const TRACE_KEYS = new Set(["file", "captureContent"]);

/** The `trace` option of a run or a team: a file path, or `{ file?, captureContent? }`. */
export function checkTrace(value: unknown): CheckedTrace | undefined {
  if (value === undefined) return undefined;
  const path = (file: unknown, name: string) => {
    if (typeof file !== "string" || file.trim() === "") {
      throw invalid(`${name} must be the path of the trace file to write (e.g. "run.jsonl"); got ${describeValue(file)}.`);
    }
    return file;
  };
  if (typeof value === "string") return { file: path(value, "trace"), captureContent: false };
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(`trace must be a file path or { file?, captureContent? }; got ${describeValue(value)}.`);
  }
  const settings = value as Record<string, unknown>;
  const unknown = Object.keys(settings).filter((key) => !TRACE_KEYS.has(key));
  if (unknown.length) throw invalid(`trace takes file and captureContent; got ${unknown.join(", ")}.`);
  const captureContent = settings.captureContent;
  if (captureContent !== undefined && typeof captureContent !== "boolean") {
    throw invalid(`trace.captureContent must be true or false; got ${describeValue(captureContent)}.`);
  }
  const checked: CheckedTrace = { captureContent: captureContent === true };
  if (settings.file !== undefined) checked.file = path(settings.file, "trace.file");
  return checked;
}

function invalid(message: string): BatonError {
  return new BatonError("INVALID_OPTIONS", message);
}

function checkInput(input: unknown, hasMessages: boolean): Content {
  if (typeof input === "string") {
    if (input.trim() === "" && !hasMessages) {
      throw invalid("input is empty. Give the user's message as text (or parts), or pass earlier `messages` to continue from.");
    }
    return input;
  }
  if (Array.isArray(input)) {
    if (input.length === 0) throw invalid("input is an empty list of parts. Give at least one text, image or file part.");
    for (const [i, part] of input.entries()) {
      const type = (part as { type?: unknown })?.type;
      if (type !== "text" && type !== "image" && type !== "file") {
        throw invalid(`input[${i}] must be a part { type: "text" | "image" | "file", … }; got ${describeValue(part)}.`);
      }
    }
    return input as Content;
  }
  throw invalid(`input must be a string (the user's message) or a list of parts; got ${describeValue(input)}.`);
}

/** True when JSON carries `value` and gives back the same: plain objects, arrays, strings, finite numbers, booleans, null. */
function isJsonData(value: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((item) => isJsonData(item, depth + 1));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every((item) => isJsonData(item, depth + 1));
  }
  return false;
}

/** `meta` goes into the store as JSON: it must come back the same. */
function checkMeta(meta: unknown): Record<string, unknown> {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta) || !isJsonData(meta)) {
    throw invalid(
      `meta must be a plain JSON object (it is written with the run's checkpoints: strings, numbers, booleans, null, arrays, objects); got ${describeValue(meta)}.`,
    );
  }
  return structuredClone(meta) as Record<string, unknown>;
}

/**
 * What a run brings besides the team: checked before any actor hears of it. `input` is given
 * apart where it is an argument of its own (team.run).
 */
export function checkRunInput(options: unknown, what = "options", input?: { value: unknown }): CheckedRun {
  if (input && options === undefined) options = {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalid(`${what} must be an object; got ${describeValue(options)}.`);
  }
  const rawMessages = read(options, "messages", what);
  let messages: Message[] | undefined;
  if (rawMessages !== undefined) {
    const checked = checkMessages(rawMessages, "messages");
    if (typeof checked === "string") throw invalid(checked);
    messages = checked;
  }
  const content = checkInput(input ? input.value : read(options, "input", what), (messages?.length ?? 0) > 0);
  const signal = read(options, "signal", what);
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalid(`signal must be an AbortSignal (e.g. AbortSignal.timeout(30_000)); got ${describeValue(signal)}.`);
  }
  const checked: CheckedRun = {
    input: content,
    messages,
    maxSteps: checkLimit("maxSteps", read(options, "maxSteps", what), 1),
    maxHandoffs: checkLimit("maxHandoffs", read(options, "maxHandoffs", what), 0),
    signal: signal as AbortSignal | undefined,
  };
  const meta = read(options, "meta", what);
  if (meta !== undefined) checked.origin = { meta: checkMeta(meta) };
  const trace = checkTrace(read(options, "trace", what));
  if (trace) checked.trace = trace;
  return checked;
}
