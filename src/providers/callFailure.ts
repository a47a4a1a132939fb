import { BatonError } from "../errors.js";
import { isRetryableStatus, providerError, retryAfterMs } from "./providerError.js";

/** What an adapter knows about a failed call, in terms both SDKs share. */
export interface CallFailureContext {
  provider: string;
  model: string;
  signal?: AbortSignal;
  /** Strings that must never appear in an error (the API key). */
  secrets: readonly string[];
  /** The SDK's HTTP error class (`APIError`): has `status` and response `headers`. */
  isApiError: (error: unknown) => error is { status?: number; headers?: { get(name: string): string | null }; message: string };
  /** The SDK's own base error class: client-side problems (bad options), not worth a retry. */
  isSdkError: (error: unknown) => boolean;
}

/** Secrets, and anything shaped like a provider key (`sk-…`), replaced before text leaves the adapter. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out.replace(/\bsk-[A-Za-z0-9_*.-]{6,}/g, "[redacted]");
}

/** The abort error every adapter throws when the caller's signal cancels a call. */
export function cancelledError(provider: string, model: string, signal: AbortSignal): BatonError {
  return new BatonError("CANCELLED", `${provider}/${model}: the call was cancelled`, {
    details: { provider, model },
    cause: signal.reason,
  });
}

/**
 * Maps anything an SDK call threw to a BatonError: CANCELLED when the caller aborted, otherwise
 * PROVIDER_ERROR with status, retryable and retryAfterMs (from `retry-after-ms` / `Retry-After`).
 * The SDK error is not kept as `cause` (its body may echo credentials); its message is redacted.
 */
export function callFailure(error: unknown, context: CallFailureContext): BatonError {
  const { provider, model, signal, secrets } = context;
  if (signal?.aborted) return cancelledError(provider, model, signal);
  if (error instanceof BatonError) return error;
  const info = { provider, model };
  if (context.isApiError(error)) {
    const status = typeof error.status === "number" ? error.status : undefined;
    const retryAfter = status === undefined ? undefined : retryAfterMs(error.headers);
    const message = redact(error.message || `HTTP ${status ?? "error"}`, secrets);
    return providerError(message, { ...info, status, retryable: isRetryableStatus(status), retryAfterMs: retryAfter });
  }
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (context.isSdkError(error)) return providerError(message, { ...info, retryable: false });
  // Network trouble while reading a body or stream (socket closed, truncated chunk): worth a retry.
  return providerError(`connection failed: ${message}`, { ...info, retryable: true });
}

/** A stream that ended before its final event: the answer is incomplete, so the call failed. */
export function incompleteStreamError(provider: string, model: string, what: string): BatonError {
  return providerError(`the response stream ended before ${what}`, { provider, model, retryable: true });
}

/** Wraps an error thrown by the caller's own callback (onTextDelta), so it is rethrown as it is. */
export class ListenerFailure {
  constructor(readonly error: unknown) {}
}

/** The caller's delta callback, with its exceptions marked as the caller's, not the provider's. */
export function guardListener(listener: ((text: string) => void) | undefined): ((text: string) => void) | undefined {
  if (!listener) return undefined;
  return (text) => {
    try {
      listener(text);
    } catch (error) {
      throw new ListenerFailure(error);
    }
  };
}
