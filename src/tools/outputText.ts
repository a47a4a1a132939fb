/**
 * What a model reads of a local tool's answer: any return value (or thrown value) as text.
 * Never throws and never returns undefined, whatever the tool hands back: Symbols, functions,
 * BigInts, circular objects, getters or toJSON that throw, Proxies.
 */
import { inspect } from "node:util";

/** Turns whatever a tool returned into the text a model reads. `undefined` and `null` read as "". */
export function toolOutputText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  const scalar = scalarText(value);
  if (scalar !== undefined) return scalar;
  try {
    // Undefined for a top-level value JSON has no text for (a toJSON returning undefined).
    const json: string | undefined = JSON.stringify(value, readableReplacer());
    if (typeof json === "string") return json;
  } catch {
    // A getter, toJSON or Proxy trap threw: describe the value without running its code.
  }
  return described(value);
}

/** The text of an error result for whatever a tool threw: `Error: <message>`. */
export function toolErrorText(error: unknown): string {
  if (error instanceof Error) {
    try {
      return `Error: ${typeof error.message === "string" ? error.message : toolOutputText(error.message)}`;
    } catch {
      return `Error: ${described(error)}`;
    }
  }
  return `Error: ${toolOutputText(error) || String(error)}`;
}

/** Text for values JSON cannot hold or would misstate (NaN reads "null" in JSON). */
function scalarText(value: unknown): string | undefined {
  switch (typeof value) {
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return value.name ? `[function ${value.name}]` : "[function]";
    default:
      return undefined;
  }
}

/**
 * A JSON.stringify replacer that keeps every value readable: scalars as above, Maps as entry
 * lists, Sets as arrays, Errors as name and message, and a reference back to an enclosing object
 * as "[Circular]" (a value shared by two branches is written twice, as it is not a cycle).
 */
function readableReplacer(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown): unknown {
    if (value === null || typeof value !== "object") return inJson(value);
    // `this` is the object holding `value`: drop the branches the walk has left.
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(value)) return "[Circular]";
    let out: unknown = value;
    if (value instanceof Map) out = [...value.entries()];
    else if (value instanceof Set) out = [...value.values()];
    else if (value instanceof Error) out = { name: value.name, message: value.message };
    else if (value instanceof Promise) return "[Promise]";
    ancestors.push(value);
    if (out !== value) ancestors.push(out);
    return out;
  };
}

/** A value inside an object or array: what JSON would drop or misstate becomes text. */
function inJson(value: unknown): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value === "bigint" || typeof value === "symbol" || typeof value === "function") return scalarText(value);
  return value;
}

/** util.inspect on one line, without calling the value's own code (getters, custom inspectors). */
function described(value: unknown): string {
  try {
    return inspect(value, { depth: 6, breakLength: Number.POSITIVE_INFINITY, customInspect: false, getters: false });
  } catch {
    return `[a ${typeof value} that cannot be shown as text]`;
  }
}
