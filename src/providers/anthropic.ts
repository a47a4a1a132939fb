import type { ProviderConfig } from "./config.js";
import type { Provider } from "./types.js";

export interface AnthropicProviderOptions extends ProviderConfig {
  name: string;
}

// Placeholder until the providers issue lands: fails loudly rather than pretending.
export function createAnthropicProvider(options: AnthropicProviderOptions, _env: Readonly<Record<string, string | undefined>>): Provider {
  throw new Error(`provider ${options.name}: the Anthropic adapter is not built yet`);
}
