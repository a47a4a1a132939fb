/** Retries of failed model calls: which failures are retried, and after how long. */
import type { ErrorData } from "../errors.js";

export interface RetryOptions {
  /** Further attempts after a retryable failure (429, 5xx, connection). */
  maxRetries: number;
  baseDelayMs: number;
  /** The longest wait before a retry; a provider asking for a longer one fails the step instead. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000 };

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; error: ErrorData };

interface FailureDetails {
  retryable?: boolean;
  retryAfterMs?: number;
}

/**
 * What to do after the `attempt`-th failed call (0 for the first): wait and retry, or fail the
 * step. A run never sleeps longer than `maxDelayMs`: a `Retry-After` past it fails the step
 * with a PROVIDER_ERROR that says what the provider asked for.
 */
export function retryDecision(error: ErrorData, attempt: number, retry: RetryOptions): RetryDecision {
  const details = (error.details ?? {}) as FailureDetails;
  if (details.retryable !== true || attempt >= retry.maxRetries) return { retry: false, error };
  const asked = details.retryAfterMs;
  if (asked !== undefined && asked > retry.maxDelayMs) {
    const seconds = Math.round(asked / 100) / 10;
    return {
      retry: false,
      error: {
        code: "PROVIDER_ERROR",
        message: `${error.message} The provider asked to retry after ${seconds} s, longer than retry.maxDelayMs (${retry.maxDelayMs} ms): not waiting. Raise retry.maxDelayMs to wait that long.`,
        details: { ...error.details, retryable: false, retryAfterMs: asked },
      },
    };
  }
  const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return { retry: true, delayMs: asked ?? backoff };
}
