import type { RunStore } from "../../src/store/types.js";
import type { Clock } from "../shared/clock.js";

/** A run held by this process; give it back when the run ends. */
export interface Lease {
  release(): void;
}

/** How long a lease lasts without renewal: a process that died holds nothing for longer. */
export const LEASE_TTL_MS = 30_000;

/**
 * The runs this Runner holds in its store. A run is taken when it starts or resumes, renewed
 * while it runs (a third of the lease's life before it would lapse) and given back when it
 * ends, so a resume elsewhere sees that it is running here.
 */
export class Leases {
  readonly #store: RunStore;
  readonly #owner: string;
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(store: RunStore, owner: string, clock: Clock, ttlMs = LEASE_TTL_MS) {
    this.#store = store;
    this.#owner = owner;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  /** The run for this process, or undefined when another live owner holds it. */
  async take(runId: string): Promise<Lease | undefined> {
    if (!(await this.#store.claim(runId, this.#owner, this.#ttlMs))) return undefined;
    let released = false;
    let timer: unknown;
    const renew = () => {
      timer = this.#clock.setTimeout(() => {
        if (released) return;
        void this.#store.claim(runId, this.#owner, this.#ttlMs).catch(() => undefined);
        renew();
      }, this.#ttlMs / 3);
    };
    renew();
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#clock.clearTimeout(timer);
        void this.#store.release(runId, this.#owner).catch(() => undefined);
      },
    };
  }
}
