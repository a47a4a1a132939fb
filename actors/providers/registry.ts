import { BatonError } from "../../src/errors.js";
import type { ProviderConfig, ProvidersConfig } from "../../src/providers/config.js";
import { OPENAI_COMPATIBLE_PRESETS } from "../../src/providers/presets.js";
import type { Provider } from "../../src/providers/types.js";
import type { RunnerRuntime } from "../../src/runtime.js";
import { createAnthropicProvider } from "./anthropic.js";
import { createOpenAIProvider } from "./openai.js";
import { createSimProvider } from "./sim.js";

type Env = Readonly<Record<string, string | undefined>>;

export type ProviderKind = NonNullable<ProviderConfig["kind"]>;

/** Makes the provider of one configured name. Throws MISSING_API_KEY and the like before any call. */
export type ProviderFactory = (name: string, config: ProviderConfig, env: Env) => Provider;

/** Which factory makes each kind of provider. */
export type ProviderFactories = Readonly<Record<ProviderKind, ProviderFactory>>;

/** The built-in adapters, by kind. `sim` is the in-process scripted provider (its scripts come from the config). */
export const BUILTIN_FACTORIES: ProviderFactories = {
  openai: (name, config, env) => createOpenAIProvider({ name, ...config }, env),
  anthropic: (name, config, env) => createAnthropicProvider({ name, ...config }, env),
  "openai-compatible": (name, config, env) => {
    const preset = OPENAI_COMPATIBLE_PRESETS[name];
    return createOpenAIProvider(
      {
        name,
        ...config,
        baseURL: config.baseURL ?? preset?.baseURL,
        compatible: true,
        ...(preset?.apiKeyEnv ? { apiKeyEnv: preset.apiKeyEnv } : {}),
      },
      env,
    );
  },
  sim: (_name, config) => createSimProvider(config.scripts ? { scripts: config.scripts } : {}),
};

export const BUILTIN_PROVIDERS = ["openai", "anthropic", "sim", ...Object.keys(OPENAI_COMPATIBLE_PRESETS)] as const;

/**
 * Creates providers on first use from the Runner's `providers` option and the environment,
 * and keeps them for the Runner's lifetime (one HTTP client each). Which adapter makes a kind
 * of provider is a table (`factories`), not a hard-wired list.
 */
export class ProviderRegistry {
  readonly #config: ProvidersConfig;
  readonly #env: Env;
  readonly #factories: ProviderFactories;
  readonly #providers = new Map<string, Provider>();

  constructor(config: ProvidersConfig = {}, env: Env = process.env, factories: ProviderFactories = BUILTIN_FACTORIES) {
    this.#config = config;
    this.#env = env;
    this.#factories = factories;
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
    const factory = kind === undefined ? undefined : this.#factories[kind];
    if (!factory) {
      throw new BatonError(
        "UNKNOWN_PROVIDER",
        `Unknown provider "${name}". Known providers: ${this.knownProviders().join(", ")}. For another OpenAI-compatible server pass providers: { ${name}: { kind: "openai-compatible", baseURL: "…" } }.`,
      );
    }
    return factory(name, config, this.#env);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#providers.values()].map((p) => p.close?.()));
    this.#providers.clear();
  }
}

function inferKind(name: string): ProviderKind | undefined {
  if (name === "openai" || name === "anthropic" || name === "sim") return name;
  if (name in OPENAI_COMPATIBLE_PRESETS) return "openai-compatible";
  return undefined;
}

/** The provider adapters, each passed through the runtime's `provider` hook when it has one (simulations). */
export function providerFactories(runtime: RunnerRuntime): ProviderFactories {
  const hook = runtime.provider;
  if (!hook) return BUILTIN_FACTORIES;
  const wrapped: Record<string, ProviderFactories[keyof ProviderFactories]> = {};
  for (const [kind, make] of Object.entries(BUILTIN_FACTORIES))
    wrapped[kind] = (name, config, env) => hook(name, () => make(name, config, env));
  return wrapped as unknown as ProviderFactories;
}
