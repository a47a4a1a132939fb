import type { SimScript } from "./simScript.js";

/** One entry of the Runner's `providers` option. */
export interface ProviderConfig {
  /** Which adapter; inferred from the name for built-in providers and presets. */
  kind?: "openai" | "anthropic" | "openai-compatible" | "sim";
  apiKey?: string;
  baseURL?: string;
  /** Extra HTTP headers on every request. */
  headers?: Record<string, string>;
  /** Per-request timeout in ms (the SDK's `timeout`). */
  timeoutMs?: number;
  /** `sim` only: scripts by model name. */
  scripts?: Record<string, SimScript>;
}

export type ProvidersConfig = Record<string, ProviderConfig>;
