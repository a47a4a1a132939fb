import type { Redis } from "ioredis";

const defined = new WeakMap<Redis, Set<string>>();

/**
 * Runs a Lua script by its SHA (EVALSHA; ioredis falls back to EVAL once when Redis does not
 * have it, e.g. after a restart): each call sends the arguments, not the script.
 */
export function runScript(redis: Redis, name: string, lua: string, keys: string[], args: string[]): Promise<unknown> {
  let names = defined.get(redis);
  if (!names) {
    names = new Set();
    defined.set(redis, names);
  }
  if (!names.has(name)) {
    redis.defineCommand(name, { lua });
    names.add(name);
  }
  const command = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name]!;
  return command.call(redis, keys.length, ...keys, ...args);
}
