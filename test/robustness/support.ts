/**
 * Helpers for the regression tests of issue 21: what a call did (returned, threw, rejected),
 * errors that escaped to the process, and a bound on promises that may never settle.
 */
import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { BatonError, type BatonErrorCode } from "../../src/index.js";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn` and settles what it gives: a synchronous throw and a rejection count the same. */
export async function settle<T>(fn: () => T | Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Resolves with the promise's outcome, or with "pending" if it has not settled within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<Outcome<T> | "pending"> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  try {
    return await Promise.race([settle(() => promise), bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** The error of an outcome that must have failed, checked to be a BatonError (never a TypeError or RangeError). */
export function batonError(outcome: Outcome<unknown> | "pending", what: string): BatonError {
  if (outcome === "pending") throw new Error(`${what}: still pending`);
  if (outcome.ok) throw new Error(`${what}: expected a BatonError, but it succeeded`);
  const error = outcome.error;
  if (!(error instanceof BatonError)) {
    const name = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
    throw new Error(`${what}: expected a BatonError, got ${name}`);
  }
  return error;
}

/** A BatonError whose code is one of `codes` (never INTERNAL) and whose message says something. */
export function expectCode(error: BatonError, codes: readonly BatonErrorCode[]): void {
  expect(codes, `code ${error.code}: ${error.message}`).toContain(error.code);
  expect(error.message.length).toBeGreaterThan(0);
}

/**
 * Collects every uncaughtException and unhandledRejection while the file's tests run (cleared
 * before each test). Installing a listener also keeps such an error from killing the test process.
 */
export function processErrors(): unknown[] {
  const seen: unknown[] = [];
  const record = (error: unknown) => {
    seen.push(error);
  };
  beforeAll(() => {
    process.on("uncaughtException", record);
    process.on("unhandledRejection", record);
  });
  beforeEach(() => {
    seen.length = 0;
  });
  afterAll(() => {
    process.off("uncaughtException", record);
    process.off("unhandledRejection", record);
  });
  return seen;
}

/** Lets errors thrown from timers and microtasks (XState reports actor errors that way) surface. */
export async function drain(ms = 30): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  await new Promise((resolve) => setImmediate(resolve));
}
