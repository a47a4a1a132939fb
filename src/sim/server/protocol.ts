import type { IncomingHttpHeaders } from "node:http";
import type { ModelResponse, OutputSpec, ToolSpec } from "../../providers/types.js";
import type { Message } from "../../transcript/index.js";
import type { SseEvent } from "./sse.js";

/** A parsed JSON request body. */
export type WireBody = Record<string, unknown>;

/** A scripted answer, ready to be put on the wire. */
export interface WireAnswer {
  response: ModelResponse;
  /** Send the tool calls' argument JSON broken. */
  malformedToolArgs: boolean;
  /** Unique per server, for response ids. */
  seq: number;
  /** Unix seconds. */
  created: number;
}

/** What a script function sees of a wire request: neutral messages. */
export interface NeutralRequest {
  system?: string;
  messages: Message[];
  tools: ToolSpec[];
  /** The structured output asked for (`response_format` json_schema / `output_config.format`). */
  output?: OutputSpec;
}

/** Why a request is refused: the message, and where the provider says so, the param and code (OpenAI) or another status. */
export interface Problem {
  message: string;
  status?: number;
  param?: string;
  code?: string | null;
}

/** A check's verdict: nothing, a message (a 400), or a problem with more detail. */
export type Verdict = string | Problem | undefined;

export function asProblem(verdict: string | Problem): Problem {
  return typeof verdict === "string" ? { message: verdict } : verdict;
}

/** One provider's wire protocol as the sim server speaks it. */
export interface WireProtocol {
  provider: "openai" | "anthropic";
  /** The first problem a strict server would reject the request for, or undefined. */
  validate(body: WireBody): Verdict;
  /** A 401 when the request does not carry `apiKey` the way this API wants it. */
  authenticate(headers: IncomingHttpHeaders, apiKey: string): Problem | undefined;
  toNeutral(body: WireBody): NeutralRequest;
  isStream(body: WireBody): boolean;
  /** The provider's error JSON for an HTTP status (OpenAI also names the param and a code). */
  errorBody(status: number, message: string, detail?: { param?: string; code?: string | null }): unknown;
  /** Response headers the real API sends (request ids). */
  headers(seq: number): Record<string, string>;
  json(answer: WireAnswer, body: WireBody): unknown;
  events(answer: WireAnswer, body: WireBody): SseEvent[];
}

/** The argument JSON of a tool call, broken on request (the closing brace dropped). */
export function argumentsText(args: Record<string, unknown>, malformed: boolean): string {
  const text = JSON.stringify(args);
  return malformed ? text.slice(0, -1) : text;
}

/** Splits text into pieces of at most `size` characters, as a stream delivers partial JSON. */
export function pieces(text: string, size = 12): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
