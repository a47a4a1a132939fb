import type { BatonErrorCode, ErrorData } from "./errorData.js";
import type { RunResult } from "./result.js";

export type { BatonErrorCode, ErrorData };

/**
 * Every failure baton reports. `code` says what failed; `partial` holds the run so far when
 * a run was under way, so no transcript is ever lost.
 */
export class BatonError extends Error {
  override readonly name = "BatonError";
  readonly code: BatonErrorCode;
  /** The run so far (its `finalOutput` is the text written so far). */
  partial?: RunResult;
  readonly details: Record<string, unknown>;

  constructor(
    code: BatonErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown>; partial?: RunResult<unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    if (options.partial) this.partial = options.partial as RunResult;
  }

  /** Plain data for events and snapshots: never the cause object (it may hold request headers). */
  toJSON(): { code: BatonErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isBatonError(value: unknown): value is BatonError {
  return value instanceof BatonError;
}

/** The run's answer to a listener that threw (the listener's error is the `cause`). */
export function listenerError(event: string, error: unknown): BatonError {
  const message = error instanceof Error ? error.message : String(error);
  return new BatonError("LISTENER_ERROR", `A "${event}" listener threw: ${message}`, { cause: error });
}

export function toErrorData(error: unknown, fallback: BatonErrorCode = "INTERNAL"): ErrorData {
  if (error instanceof BatonError) return { code: error.code, message: error.message, details: error.details };
  if (error instanceof Error) return { code: fallback, message: error.message };
  return { code: fallback, message: String(error) };
}
