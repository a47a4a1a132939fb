/** OpenAI-compatible providers: the openai adapter with their base URL and key env var. */
export interface CompatiblePreset {
  baseURL: string;
  /** Env var holding the key; undefined where none is needed (local servers). */
  apiKeyEnv?: string;
}

export const OPENAI_COMPATIBLE_PRESETS: Readonly<Record<string, CompatiblePreset>> = {
  ollama: { baseURL: "http://127.0.0.1:11434/v1" },
  vllm: { baseURL: "http://127.0.0.1:8000/v1" },
  openrouter: { baseURL: "https://openrouter.ai/api/v1", apiKeyEnv: "OPENROUTER_API_KEY" },
  groq: { baseURL: "https://api.groq.com/openai/v1", apiKeyEnv: "GROQ_API_KEY" },
  together: { baseURL: "https://api.together.xyz/v1", apiKeyEnv: "TOGETHER_API_KEY" },
  deepseek: { baseURL: "https://api.deepseek.com/v1", apiKeyEnv: "DEEPSEEK_API_KEY" },
  xai: { baseURL: "https://api.x.ai/v1", apiKeyEnv: "XAI_API_KEY" },
  mistral: { baseURL: "https://api.mistral.ai/v1", apiKeyEnv: "MISTRAL_API_KEY" },
  fireworks: { baseURL: "https://api.fireworks.ai/inference/v1", apiKeyEnv: "FIREWORKS_API_KEY" },
};
