import { BatonError } from "../errors.js";
import { describeValue, isPlainObject } from "../options/describe.js";
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
  const object = typeof input === "object" && input !== null ? (input as Exclude<ModelInput, string>) : undefined;
  const raw = typeof input === "string" ? input : safeGet(object, "model");
  if (typeof raw !== "string" || raw.trim() === "") {
    throw new BatonError(
      "INVALID_MODEL",
      `A model must be a "provider/model" string or { model: "provider/model" }; got ${describeValue(input)}.`,
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
  const description = safeGet(object, "description");
  if (description !== undefined && typeof description !== "string") {
    throw new BatonError("INVALID_MODEL", `The description of model "${id}" must be a string; got ${describeValue(description)}.`);
  }
  return {
    id,
    provider: match[1],
    name: match[2],
    settings: checkSettings(safeGet(object, "settings"), `model "${id}"`),
    description: description ?? catalogDescription(id),
  };
}

function safeGet(object: object | undefined, key: string): unknown {
  if (!object) return undefined;
  try {
    return (object as Record<string, unknown>)[key];
  } catch (error) {
    throw new BatonError("INVALID_MODEL", `Reading "${key}" of a model threw: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

const SETTING_KEYS = new Set(["temperature", "topP", "maxTokens", "stop", "extra"]);

/**
 * Generation settings as plain data (they travel in messages and snapshots): known keys only,
 * numbers where numbers go, and `extra` JSON-serialisable.
 */
export function checkSettings(value: unknown, where: string): ModelSettings {
  if (value === undefined) return {};
  if (!isPlainObject(value))
    throw new BatonError("INVALID_OPTIONS", `settings of ${where} must be an object; got ${describeValue(value)}.`);
  const out: ModelSettings = {};
  for (const key of Object.keys(value)) {
    if (!SETTING_KEYS.has(key)) {
      throw new BatonError(
        "INVALID_OPTIONS",
        `settings of ${where} has an unknown key "${key}". Known: temperature, topP, maxTokens, stop, extra (provider-specific fields go in extra).`,
      );
    }
    const v = value[key];
    if (v === undefined) continue;
    if ((key === "temperature" || key === "topP") && (typeof v !== "number" || !Number.isFinite(v))) {
      throw new BatonError("INVALID_OPTIONS", `settings.${key} of ${where} must be a number; got ${describeValue(v)}.`);
    }
    if (key === "maxTokens" && (typeof v !== "number" || !Number.isInteger(v) || v < 1)) {
      throw new BatonError("INVALID_OPTIONS", `settings.maxTokens of ${where} must be a whole number ≥ 1; got ${describeValue(v)}.`);
    }
    if (key === "stop" && (!Array.isArray(v) || v.some((s) => typeof s !== "string"))) {
      throw new BatonError("INVALID_OPTIONS", `settings.stop of ${where} must be a list of strings; got ${describeValue(v)}.`);
    }
    if (key === "extra") {
      if (!isPlainObject(v))
        throw new BatonError("INVALID_OPTIONS", `settings.extra of ${where} must be an object; got ${describeValue(v)}.`);
      (out as Record<string, unknown>)[key] = plainCopy(v, `settings.extra of ${where}`);
      continue;
    }
    (out as Record<string, unknown>)[key] = key === "stop" ? [...(v as string[])] : v;
  }
  return out;
}

/** A deep copy of JSON data; anything else (a cycle, a BigInt, a function) is a clear error. */
export function plainCopy<T>(value: T, what: string): T {
  try {
    const text = JSON.stringify(value);
    return (text === undefined ? undefined : JSON.parse(text)) as T;
  } catch (error) {
    throw new BatonError("INVALID_OPTIONS", `${what} must be plain JSON data: ${error instanceof Error ? error.message : String(error)}.`);
  }
}

/** Parses the run's `model` option: one model or a list, non-empty, no duplicates. */
export function parseModelList(input: ModelInput | readonly ModelInput[] | undefined): ModelRef[] {
  const list: readonly ModelInput[] = input === undefined ? [] : Array.isArray(input) ? input : [input as ModelInput];
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
