import { BatonError } from "../../src/errors.js";
import type { ProviderConfig, ProvidersConfig } from "../../src/providers/config.js";
import { OPENAI_COMPATIBLE_PRESETS } from "../../src/providers/presets.js";
import type { Provider } from "../../src/providers/types.js";
import { createAnthropicProvider } from "./anthropic.js";
import { createOpenAIProvider } from "./openai.js";
import { createSimProvider } from "./sim.js";

export const BUILTIN_PROVIDERS = ["openai", "anthropic", "sim", ...Object.keys(OPENAI_COMPATIBLE_PRESETS)] as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Creates providers on first use from the Runner's `providers` option and the environment,
 * and keeps them for the Runner's lifetime (one HTTP client each).
 */
export class ProviderRegistry {
  readonly #config: ProvidersConfig;
  readonly #env: Env;
  readonly #providers = new Map<string, Provider>();

  constructor(config: ProvidersConfig = {}, env: Env = process.env) {
    this.#config = config;
    this.#env = env;
  }

  knownProviders(): string[] {
    return [...new Set([...BUILTIN_PROVIDERS, ...Object.keys(this.#config)])];
  }

  /** The provider for a name; throws UNKNOWN_PROVIDER or MISSING_API_KEY before any call. */
  get(name: string): Provider {
    const existing = this.#providers.get(name);
    if (existing) return existing;
    const provider = this.#create(name, this.#config[name] ?? {});
    this.#providers.set(name, provider);
    return provider;
  }

  #create(name: string, config: ProviderConfig): Provider {
    const kind = config.kind ?? inferKind(name);
    if (!kind) {
      throw new BatonError(
        "UNKNOWN_PROVIDER",
        `Unknown provider "${name}". Known providers: ${this.knownProviders().join(", ")}. For another OpenAI-compatible server pass providers: { ${name}: { kind: "openai-compatible", baseURL: "…" } }.`,
      );
    }
    switch (kind) {
      case "sim":
        return createSimProvider(config.scripts ? { scripts: config.scripts } : {});
      case "anthropic":
        return createAnthropicProvider({ name, ...config }, this.#env);
      case "openai":
        return createOpenAIProvider({ name, ...config }, this.#env);
      case "openai-compatible": {
        const preset = OPENAI_COMPATIBLE_PRESETS[name];
        return createOpenAIProvider(
          {
            name,
            ...config,
            baseURL: config.baseURL ?? preset?.baseURL,
            compatible: true,
            ...(preset?.apiKeyEnv ? { apiKeyEnv: preset.apiKeyEnv } : {}),
          },
          this.#env,
        );
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#providers.values()].map((p) => p.close?.()));
    this.#providers.clear();
  }
}

function inferKind(name: string): ProviderConfig["kind"] | undefined {
  if (name === "openai" || name === "anthropic" || name === "sim") return name;
  if (name in OPENAI_COMPATIBLE_PRESETS) return "openai-compatible";
  return undefined;
}
