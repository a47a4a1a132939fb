import type { Clock } from "../shared/clock.js";

interface Timer {
  at: number;
  /** Order of creation: timers due at the same time fire in the order they were set. */
  seq: number;
  fn: () => void;
}

/**
 * Simulated time for baton/sim: `now()` moves only when the driver fires the next timer, so an
 * hour of backoff takes no real time and every seed sees the same times. Timers due at the same
 * instant fire in creation order (deterministic).
 */
export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly #timers = new Map<number, Timer>();

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const seq = ++this.#seq;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.#timers.set(seq, { at: this.#now + delay, seq, fn });
    return seq;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === "number") this.#timers.delete(handle);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time to the earliest timer and fires it; false when there is none. */
  fireNext(): boolean {
    let next: Timer | undefined;
    for (const timer of this.#timers.values()) {
      if (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)) next = timer;
    }
    if (!next) return false;
    this.#timers.delete(next.seq);
    if (next.at > this.#now) this.#now = next.at;
    next.fn();
    return true;
  }

  /** Resolves after `ms` of simulated time; rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.clearTimeout(handle);
        reject(signal?.reason);
      };
      const handle = this.setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
