/**
 * What well-known models are good at, for handoff tool descriptions, and their prices
 * (USD per million tokens) for budget policies and cost reporting.
 */
export interface CatalogEntry {
  strengths: string;
  inputPerMTok?: number;
  outputPerMTok?: number;
}

export const MODEL_CATALOG: Readonly<Record<string, CatalogEntry>> = {
  "openai/gpt-4o-mini": { strengths: "fast and cheap; good at tool calling and reasoning", inputPerMTok: 0.15, outputPerMTok: 0.6 },
  "openai/gpt-4.1": { strengths: "tool calling and reasoning over long context", inputPerMTok: 2, outputPerMTok: 8 },
  "openai/gpt-4.1-mini": { strengths: "fast and cheap; tool calling", inputPerMTok: 0.4, outputPerMTok: 1.6 },
  "openai/gpt-4o": { strengths: "code and general tasks", inputPerMTok: 2.5, outputPerMTok: 10 },
  "anthropic/claude-sonnet-4-20250514": { strengths: "writing and code", inputPerMTok: 3, outputPerMTok: 15 },
  "anthropic/claude-opus-4-20250514": { strengths: "hard reasoning, writing and code", inputPerMTok: 15, outputPerMTok: 75 },
  "anthropic/claude-3-5-haiku-20241022": { strengths: "fast and cheap; short answers", inputPerMTok: 0.8, outputPerMTok: 4 },
};

export function catalogDescription(modelId: string): string {
  const entry = MODEL_CATALOG[modelId];
  return entry ? `Good at: ${entry.strengths}.` : "";
}

/** Cost in USD of the given usage, or undefined when the model has no known price. */
export function costUSD(modelId: string, inputTokens: number, outputTokens: number): number | undefined {
  const entry = MODEL_CATALOG[modelId];
  if (entry?.inputPerMTok === undefined || entry.outputPerMTok === undefined) return undefined;
  return (inputTokens * entry.inputPerMTok + outputTokens * entry.outputPerMTok) / 1_000_000;
}
