import { BatonError } from "../errors.js";

export interface ProviderErrorInfo {
  provider: string;
  model: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
}

/** Builds the `PROVIDER_ERROR` every adapter throws. Never include request headers or keys. */
export function providerError(message: string, info: ProviderErrorInfo, cause?: unknown): BatonError {
  const details: Record<string, unknown> = { ...info };
  for (const key of Object.keys(details)) if (details[key] === undefined) delete details[key];
  return new BatonError("PROVIDER_ERROR", `${info.provider}/${info.model}: ${message}`, { details, cause });
}

/** 408, 409, 429 and 5xx are worth another try; connection errors (no status) too. */
export function isRetryableStatus(status: number | undefined): boolean {
  if (status === undefined) return true;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Parses `retry-after-ms` / `Retry-After` (seconds or HTTP date) into milliseconds. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
