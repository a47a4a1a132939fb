/**
 * A team's checkpoint records on their way to the run store: written in order, a store that
 * commits later waited on (its writes chained), and the first write that failed kept, to end the
 * run with.
 */
import type { CheckpointEvent } from "../../machines/team/plan.js";
import type { ErrorData } from "../../src/errors.js";
import type { RunStore } from "../../src/store/types.js";

export class CheckpointWriter {
  readonly #store: RunStore;
  /** Checkpoint writes still to commit (a store that commits later), in order. */
  #writes: Promise<void> = Promise.resolve();
  /** Why the run in flight could not be written down, if it could not. */
  #error: ErrorData | undefined;

  constructor(store: RunStore) {
    this.#store = store;
  }

  get error(): ErrorData | undefined {
    return this.#error;
  }

  /** A new run starts: no write of it has failed yet. */
  startRun(): void {
    this.#error = undefined;
  }

  /** Settles once every write so far is committed (or has failed). */
  written(): Promise<void> {
    return this.#writes;
  }

  /** Writes the event's records; `committed` once they are, `failed` (with the run's error) if they cannot be. */
  write(event: CheckpointEvent, committed: () => void, failed: (error: ErrorData) => void): void {
    const fail = (error: unknown) => {
      const data: ErrorData = {
        code: "STORE_ERROR",
        message: `The run's store could not write a checkpoint: ${error instanceof Error ? error.message : String(error)}`,
      };
      this.#error ??= data;
      failed(data);
    };
    try {
      const written = this.#store.append(event.runId, event.records);
      if (written && typeof (written as Promise<void>).then === "function") {
        this.#writes = this.#writes.then(() => written).then(committed, fail);
      } else committed();
    } catch (error) {
      fail(error);
    }
  }
}
