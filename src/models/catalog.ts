/**
 * What well-known models are good at (handoff tool descriptions), their prices (USD per million
 * tokens) for budget policies and cost reporting, and what they accept: images, PDFs, native
 * structured output, sampling settings. A model that is not here is unknown: baton sends what it
 * is given and lets the provider decide.
 */

/** A generation setting of `ModelSettings`, or a provider field given through `extra` (`extra.top_k`). */
export type SettingName = "temperature" | "topP" | "maxTokens" | "stop" | `extra.${string}`;

export interface ModelCapabilities {
  /** Reads image input. `false` where the provider refuses images for this model. */
  vision?: boolean;
  /** Reads PDF documents. */
  pdf?: boolean;
  /** Has the provider's native structured output (OpenAI `response_format` json_schema, Anthropic `output_config.format`). */
  structuredOutput?: boolean;
  /** Settings the model refuses, each with the reason baton reports when it drops it. */
  unsupportedSettings?: Readonly<Partial<Record<SettingName, string>>>;
  /** Settings the model refuses together: when both are given, the second is dropped. */
  exclusiveSettings?: ReadonlyArray<readonly [keep: SettingName, drop: SettingName, reason: string]>;
}

export interface CatalogEntry extends ModelCapabilities {
  strengths: string;
  inputPerMTok?: number;
  outputPerMTok?: number;
}

/** OpenAI reasoning models (o-series, gpt-5) take neither sampling settings nor stop sequences. */
const OPENAI_REASONING: ModelCapabilities = {
  unsupportedSettings: {
    temperature: "OpenAI reasoning models take only the default temperature (1)",
    topP: "OpenAI reasoning models take only the default top_p (1)",
    stop: "OpenAI reasoning models do not take stop sequences",
  },
};

/** From Claude Opus 4.1 to the 4.6 models: `temperature` and `top_p` cannot both be specified. */
const CLAUDE_ONE_SAMPLER: ModelCapabilities = {
  exclusiveSettings: [["temperature", "topP", "this model takes temperature or top_p, not both (temperature kept)"]],
};

/** Claude models released after Opus 4.6 refuse temperature, top_p and top_k (the SDK marks them deprecated). */
const CLAUDE_NO_SAMPLING: ModelCapabilities = {
  unsupportedSettings: {
    temperature: "Claude models released after Opus 4.6 do not take temperature",
    topP: "Claude models released after Opus 4.6 do not take top_p",
    "extra.top_k": "Claude models released after Opus 4.6 do not take top_k",
  },
};

/** Every current Claude model reads images and PDFs. */
const CLAUDE_MEDIA: ModelCapabilities = { vision: true, pdf: true };
const OPENAI_MEDIA: ModelCapabilities = { vision: true, pdf: true, structuredOutput: true };

export const MODEL_CATALOG: Readonly<Record<string, CatalogEntry>> = {
  "openai/gpt-4o-mini": {
    strengths: "fast and cheap; good at tool calling and reasoning",
    inputPerMTok: 0.15,
    outputPerMTok: 0.6,
    ...OPENAI_MEDIA,
  },
  "openai/gpt-4.1": { strengths: "tool calling and reasoning over long context", inputPerMTok: 2, outputPerMTok: 8, ...OPENAI_MEDIA },
  "openai/gpt-4.1-mini": { strengths: "fast and cheap; tool calling", inputPerMTok: 0.4, outputPerMTok: 1.6, ...OPENAI_MEDIA },
  "openai/gpt-4.1-nano": { strengths: "the fastest and cheapest; simple tasks", ...OPENAI_MEDIA },
  "openai/gpt-4o": { strengths: "code and general tasks", inputPerMTok: 2.5, outputPerMTok: 10, ...OPENAI_MEDIA },
  "openai/gpt-3.5-turbo": { strengths: "cheap short answers", vision: false, pdf: false, structuredOutput: false },
  "openai/o1": { strengths: "hard reasoning", ...OPENAI_MEDIA, ...OPENAI_REASONING },
  "openai/o1-mini": { strengths: "reasoning on code and maths", vision: false, pdf: false, ...OPENAI_REASONING },
  "openai/o3": { strengths: "hard reasoning, maths and code", ...OPENAI_MEDIA, ...OPENAI_REASONING },
  "openai/o3-mini": {
    strengths: "cheap reasoning on code and maths",
    vision: false,
    pdf: false,
    structuredOutput: true,
    ...OPENAI_REASONING,
  },
  "openai/o4-mini": { strengths: "fast reasoning, maths and code", ...OPENAI_MEDIA, ...OPENAI_REASONING },
  "openai/gpt-5": { strengths: "hard reasoning, code and agentic tasks", ...OPENAI_MEDIA, ...OPENAI_REASONING },
  "openai/gpt-5-mini": { strengths: "reasoning at lower cost", ...OPENAI_MEDIA, ...OPENAI_REASONING },
  "openai/gpt-5-nano": { strengths: "fast, cheap reasoning", ...OPENAI_MEDIA, ...OPENAI_REASONING },

  "anthropic/claude-3-5-haiku-20241022": {
    strengths: "fast and cheap; short answers",
    inputPerMTok: 0.8,
    outputPerMTok: 4,
    structuredOutput: false,
  },
  "anthropic/claude-3-7-sonnet-20250219": { strengths: "writing and code", ...CLAUDE_MEDIA, structuredOutput: false },
  "anthropic/claude-sonnet-4-20250514": {
    strengths: "writing and code",
    inputPerMTok: 3,
    outputPerMTok: 15,
    ...CLAUDE_MEDIA,
    structuredOutput: false,
  },
  "anthropic/claude-opus-4-20250514": {
    strengths: "hard reasoning, writing and code",
    inputPerMTok: 15,
    outputPerMTok: 75,
    ...CLAUDE_MEDIA,
    structuredOutput: false,
  },
  "anthropic/claude-opus-4-1": {
    strengths: "hard reasoning, writing and code",
    ...CLAUDE_MEDIA,
    structuredOutput: false,
    ...CLAUDE_ONE_SAMPLER,
  },
  "anthropic/claude-sonnet-4-5": { strengths: "writing, code and agents", ...CLAUDE_MEDIA, structuredOutput: true, ...CLAUDE_ONE_SAMPLER },
  "anthropic/claude-haiku-4-5": {
    strengths: "fast and cheap; near-frontier answers",
    inputPerMTok: 1,
    outputPerMTok: 5,
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_ONE_SAMPLER,
  },
  "anthropic/claude-opus-4-5": {
    strengths: "hard reasoning, code and agents",
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_ONE_SAMPLER,
  },
  "anthropic/claude-opus-4-6": {
    strengths: "hard reasoning, code and agents",
    inputPerMTok: 5,
    outputPerMTok: 25,
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_ONE_SAMPLER,
  },
  "anthropic/claude-sonnet-4-6": { strengths: "writing, code and agents", ...CLAUDE_MEDIA, structuredOutput: true, ...CLAUDE_ONE_SAMPLER },
  "anthropic/claude-opus-4-7": {
    strengths: "hard reasoning, code and agents",
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_NO_SAMPLING,
  },
  "anthropic/claude-opus-4-8": {
    strengths: "hard reasoning, code and agents",
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_NO_SAMPLING,
  },
  "anthropic/claude-sonnet-5": {
    strengths: "speed and intelligence; writing and code",
    inputPerMTok: 2,
    outputPerMTok: 10,
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_NO_SAMPLING,
  },
  "anthropic/claude-opus-5": {
    strengths: "complex agentic coding and enterprise work",
    inputPerMTok: 5,
    outputPerMTok: 25,
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_NO_SAMPLING,
  },
  "anthropic/claude-fable-5": {
    strengths: "long-running agents, demanding reasoning",
    ...CLAUDE_MEDIA,
    structuredOutput: true,
    ...CLAUDE_NO_SAMPLING,
  },
};

/** A dated snapshot (`-20250929`, `-2024-08-06`) is the model of its alias. */
const SNAPSHOT_SUFFIX = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

/** The catalog entry of a `provider/model` id, directly or through its dated snapshot's alias. */
export function catalogEntry(modelId: string): CatalogEntry | undefined {
  const direct = MODEL_CATALOG[modelId];
  if (direct) return direct;
  const alias = modelId.replace(SNAPSHOT_SUFFIX, "");
  return alias === modelId ? undefined : MODEL_CATALOG[alias];
}

export function catalogDescription(modelId: string): string {
  const entry = catalogEntry(modelId);
  return entry ? `Good at: ${entry.strengths}.` : "";
}

/** Cost in USD of the given usage, or undefined when the model has no known price. */
export function costUSD(modelId: string, inputTokens: number, outputTokens: number): number | undefined {
  const entry = catalogEntry(modelId);
  if (entry?.inputPerMTok === undefined || entry.outputPerMTok === undefined) return undefined;
  return (inputTokens * entry.inputPerMTok + outputTokens * entry.outputPerMTok) / 1_000_000;
}
