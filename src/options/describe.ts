/**
 * A short description of any value for an error message. Never throws: not on a Symbol, a
 * BigInt, a circular or null-prototype object, nor a getter that throws.
 */
export function describeValue(value: unknown): string {
  try {
    if (value === null) return "null";
    if (value === undefined) return "nothing";
    switch (typeof value) {
      case "string":
        return value.length > 60 ? `"${value.slice(0, 57)}…"` : JSON.stringify(value);
      case "number":
      case "boolean":
        return String(value);
      case "bigint":
        return `${value}n (a BigInt)`;
      case "symbol":
        return "a Symbol";
      case "function":
        return "a function";
    }
    if (Array.isArray(value)) return `an array of ${value.length}`;
    const proto = Object.getPrototypeOf(value);
    if (proto === null) return "an object without a prototype";
    const name = (proto as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "Object" ? `a ${name}` : "an object";
  } catch {
    return "a value that cannot be described";
  }
}

/** True for a plain object (`{…}` or `Object.create(null)`), not an array, class instance or function. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
