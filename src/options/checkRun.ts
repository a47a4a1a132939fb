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
  /** The run's id when its starter chose it (an engine's job, a cancellable run); else the team picks one. */
  runId?: string;
  /** Written into the run's first checkpoint: its team definition and the starter's own data. */
  origin?: { team?: string; meta?: Record<string, unknown> };
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
  return {
    input: content,
    messages,
    maxSteps: checkLimit("maxSteps", read(options, "maxSteps", what), 1),
    maxHandoffs: checkLimit("maxHandoffs", read(options, "maxHandoffs", what), 0),
    signal: signal as AbortSignal | undefined,
  };
}
