/** Small statistics and timing helpers. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest rank: the smallest value with at least q of the sample at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
export const p95 = (values: readonly number[]) => quantile(values, 0.95);

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** Median with min–max of repeated measurements (NaN entries are left out). */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite) };
}

/** Times each call of `fn`, one after another, in ms. */
export async function timeEach(count: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

/** Runs `fn` `count` times one after another, ignoring the results. */
export async function repeat(count: number, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) await fn();
}

/** `concurrency` loops, each running `fn` `perLoop` times; returns the wall time in ms. */
export async function closedLoop(concurrency: number, perLoop: number, fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => repeat(perLoop, fn)));
  return performance.now() - started;
}

/** Full garbage collection (node --expose-gc), a few times so finalizers run; false without it. */
export async function fullGc(): Promise<boolean> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

export function hasGc(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === "function";
}

export const MB = 1024 * 1024;
