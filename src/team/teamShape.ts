/**
 * The shape of a team: the options its actors are spawned with. runner.run reuses an idle
 * team only when the new run's options have the same shape, so a reused team behaves exactly
 * like a fresh one. A miss only costs a spawn; a false match would run with the wrong
 * options, so the comparison errs on the side of "different".
 */
import type { TeamOptions } from "../options/options.js";

/** The team options that configure actors; everything else in RunOptions is per run. */
const SHAPE_KEYS = [
  "model",
  "tools",
  "instructions",
  "policy",
  "maxSteps",
  "maxHandoffs",
  "handoffs",
  "handoffFilter",
  "toolTimeoutMs",
  "samplingModel",
] as const satisfies readonly (keyof TeamOptions)[];

export interface TeamShape {
  /** Cheap part (stream flag, model ids, instructions, limits, tool names) to bucket by. */
  readonly key: string;
  /** The options as they were, copied: later changes to the user's objects do not leak in. */
  readonly values: readonly unknown[];
}

/**
 * The cheap part of a run's team shape, or undefined when its team must not be reused: MCP
 * servers (a team keeps the tool list it started with, while a new run should see tools a
 * server added) and restored snapshots.
 */
export function shapeKey(options: TeamOptions, stream: boolean): string | undefined {
  if ((options.mcpServers && options.mcpServers.length > 0) || options.from !== undefined) return undefined;
  // Any input, even a bad one: checking the options (and saying what is wrong) comes after.
  const models: unknown[] = Array.isArray(options.model) ? options.model : [options.model];
  const modelIds = models.map((m) => (typeof m === "object" && m !== null ? (m as { model?: unknown }).model : m)).join(",");
  const tools: unknown[] = Array.isArray(options.tools) ? options.tools : [];
  const toolNames = tools.map((t) => (typeof t === "object" && t !== null ? (t as { name?: unknown }).name : t)).join(",");
  return [
    stream ? "s" : "r",
    modelIds,
    toolNames,
    options.maxSteps,
    options.maxHandoffs,
    options.handoffs,
    options.toolTimeoutMs,
    options.samplingModel,
    options.instructions,
  ].join("\u0000");
}

/** The whole shape of a new team (copied: taken only when a team is created, not on reuse). */
export function newShape(key: string, options: TeamOptions): TeamShape {
  return { key, values: SHAPE_KEYS.map((name) => copyShapeValue(options[name])) };
}

/** True when `options` have the shape `shape` was taken from. */
export function hasShape(shape: TeamShape, options: TeamOptions): boolean {
  return SHAPE_KEYS.every((name, i) => sameShapeValue(shape.values[i], options[name]));
}

/** True when two shapes (both copies) are the same. */
export function sameShape(a: TeamShape, b: TeamShape): boolean {
  return a.key === b.key && a.values.every((value, i) => sameShapeValue(value, b.values[i]));
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Arrays and plain objects are copied; functions and other objects (zod schemas) are kept by identity. */
function copyShapeValue(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(copyShapeValue);
  if (!isPlain(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = copyShapeValue(v);
  return copy;
}

function sameShapeValue(copied: unknown, value: unknown): boolean {
  if (copied === value) return true; // primitives, functions, zod schemas (copies of plain values are never identical)
  if (typeof copied !== "object" || copied === null || typeof value !== "object" || value === null) return false;
  if (Array.isArray(copied)) {
    return Array.isArray(value) && copied.length === value.length && copied.every((c, i) => sameShapeValue(c, value[i]));
  }
  if (Array.isArray(value) || !isPlain(copied) || !isPlain(value)) return false;
  const keys = Object.keys(copied);
  if (keys.length !== Object.keys(value).length) return false;
  return keys.every(
    (k) => Object.hasOwn(value, k) && sameShapeValue((copied as Record<string, unknown>)[k], (value as Record<string, unknown>)[k]),
  );
}
