import type { ProviderConfig } from "./config.js";
import type { Provider } from "./types.js";

export interface OpenAIProviderOptions extends ProviderConfig {
  name: string;
  /** true for OpenAI-compatible servers (presets or custom). */
  compatible?: boolean;
  /** Env var for the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
}

// Placeholder until the providers issue lands: fails loudly rather than pretending.
export function createOpenAIProvider(options: OpenAIProviderOptions, _env: Readonly<Record<string, string | undefined>>): Provider {
  throw new Error(`provider ${options.name}: the OpenAI adapter is not built yet`);
}
