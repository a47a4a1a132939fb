import { BatonError } from "../errors.js";
import type { ModelSettings } from "../providers/types.js";
import { catalogDescription } from "./catalog.js";

/** What a user may pass for a model: `"provider/model"` or an object with settings. */
export type ModelInput = string | { model: string; settings?: ModelSettings; description?: string };

/** A model of a team, resolved from the user's input. */
export interface ModelRef {
  /** The full `provider/model` string; the model's id in the team. */
  id: string;
  provider: string;
  /** The provider's own model name (may contain `/`, e.g. openrouter's `meta-llama/…`). */
  name: string;
  settings: ModelSettings;
  description: string;
}

const MODEL_PATTERN = /^([a-z0-9][a-z0-9_-]*)\/(\S.*)$/i;

export function parseModel(input: ModelInput): ModelRef {
  const raw = typeof input === "string" ? input : input?.model;
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new BatonError(
      "INVALID_MODEL",
      `A model must be a "provider/model" string or { model: "provider/model" }; got ${JSON.stringify(input)}.`,
    );
  }
  const match = MODEL_PATTERN.exec(raw.trim());
  if (!match?.[1] || !match[2]) {
    throw new BatonError(
      "INVALID_MODEL",
      `Model "${raw}" is not of the form "provider/model". Write it like "openai/gpt-4o-mini" or "anthropic/claude-sonnet-4-20250514".`,
    );
  }
  const id = `${match[1]}/${match[2]}`;
  const object = typeof input === "string" ? undefined : input;
  return {
    id,
    provider: match[1],
    name: match[2],
    settings: { ...(object?.settings ?? {}) },
    description: object?.description ?? catalogDescription(id),
  };
}

/** Parses the run's `model` option: one model or a list, non-empty, no duplicates. */
export function parseModelList(input: ModelInput | readonly ModelInput[] | undefined): ModelRef[] {
  const list = input === undefined ? [] : Array.isArray(input) ? input : [input as ModelInput];
  if (list.length === 0) {
    throw new BatonError(
      "INVALID_OPTIONS",
      'No model given. Pass `model: "openai/gpt-4o-mini"` or a list such as `model: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"]`.',
    );
  }
  const refs = list.map(parseModel);
  const seen = new Set<string>();
  for (const ref of refs) {
    if (seen.has(ref.id)) {
      throw new BatonError(
        "INVALID_OPTIONS",
        `Model "${ref.id}" is listed twice. Each model of a team must be distinct; remove the duplicate.`,
      );
    }
    seen.add(ref.id);
  }
  return refs;
}
