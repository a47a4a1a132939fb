import { BatonError } from "../errors.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Sent where no key is needed (a local server); never a real credential. */
export const NO_KEY = "baton-no-key";

export interface AccessRequest {
  /** Provider name as configured (`openai`, `anthropic`, `ollama`, …). */
  provider: string;
  apiKey?: string;
  /** Env var the key is read from when `apiKey` is not given. */
  apiKeyEnv?: string;
  baseURL?: string;
  /** Env var the base URL is read from when `baseURL` is not given. */
  baseURLEnv?: string;
  defaultBaseURL?: string;
  /** A local server that needs no key (ollama, vllm presets). */
  keyOptional?: boolean;
}

export interface ProviderAccess {
  apiKey: string;
  baseURL: string;
}

/** 127.0.0.0/8, localhost and ::1: a server on this machine, where a key is optional. */
export function isLoopbackURL(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return host === "localhost" || host === "[::1]" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * The key and base URL for a provider: explicit options first, then the environment. Throws
 * MISSING_API_KEY (before any call) when a remote provider has no key. The message names the
 * env var and the `providers` option, never a key.
 */
export function resolveAccess(request: AccessRequest, env: Env): ProviderAccess {
  const baseURL =
    nonEmpty(request.baseURL) ?? (request.baseURLEnv ? nonEmpty(env[request.baseURLEnv]) : undefined) ?? request.defaultBaseURL;
  if (!baseURL) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `Provider "${request.provider}" has no base URL. Pass new Runner({ providers: { ${request.provider}: { baseURL: "https://…/v1" } } }).`,
      { details: { provider: request.provider } },
    );
  }
  const apiKey = nonEmpty(request.apiKey) ?? (request.apiKeyEnv ? nonEmpty(env[request.apiKeyEnv]) : undefined);
  if (apiKey) return { apiKey, baseURL };
  if (request.keyOptional || isLoopbackURL(baseURL)) return { apiKey: NO_KEY, baseURL };
  const envHint = request.apiKeyEnv ? `Set ${request.apiKeyEnv} or pass` : "Pass";
  throw new BatonError(
    "MISSING_API_KEY",
    `No API key for provider "${request.provider}". ${envHint} new Runner({ providers: { ${request.provider}: { apiKey: "…" } } }).`,
    { details: { provider: request.provider, ...(request.apiKeyEnv ? { env: request.apiKeyEnv } : {}) } },
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
