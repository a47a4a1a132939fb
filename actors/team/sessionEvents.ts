/**
 * A team's event listeners and the one delivery point of its events. A listener that throws
 * during a run ends that run with LISTENER_ERROR and the partial result; on the run's last event
 * there is no run left to fail, so the error is rethrown outside (like any EventEmitter listener's).
 */
import { EventEmitter } from "eventemitter3";
import { type ErrorData, listenerError, toErrorData } from "../../src/errors.js";
import { RUN_EVENT_NAMES, type RunEvent, type RunEventListeners, type RunEventMap } from "../../src/events.js";

/** The event that ends a run. */
function isLast(event: RunEvent): boolean {
  return event.type === "run.finished" || event.type === "run.failed" || event.type === "run.interrupted";
}

/** What delivery needs from the session: its run in flight (read after listeners ran too), and a way to end it. */
export interface SessionRun {
  currentRunId(): string | undefined;
  abortRun(error: ErrorData): void;
}

export class SessionEvents {
  readonly #emitter = new EventEmitter<RunEventListeners>();
  readonly #run: SessionRun;

  constructor(run: SessionRun) {
    this.#run = run;
  }

  on<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): void {
    this.#emitter.on(name, listener as never);
  }

  once<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): void {
    this.#emitter.once(name, listener as never);
  }

  off<K extends keyof RunEventMap>(name: K, listener?: RunEventListeners[K]): void {
    this.#emitter.off(name, listener as never);
  }

  /** Every event of every run, in order. Returns a function that unsubscribes. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    for (const name of RUN_EVENT_NAMES) this.#emitter.on(name, listener as never);
    return () => {
      for (const name of RUN_EVENT_NAMES) this.#emitter.off(name, listener as never);
    };
  }

  deliver(event: RunEvent): void {
    // What agents winding down still report after their run ended goes nowhere: listeners hear
    // a run's events up to its last one, never after it.
    if (event.type !== "run.started" && this.#run.currentRunId() !== event.runId && !isLast(event)) return;
    try {
      this.#emitter.emit(event.type, event as never);
    } catch (error) {
      const current = this.#run.currentRunId();
      const last = isLast(event);
      if (last || current === undefined || current !== event.runId) {
        queueMicrotask(() => {
          throw error;
        });
        return;
      }
      this.#run.abortRun(toErrorData(listenerError(event.type, error)));
    }
  }

  removeAllListeners(): void {
    this.#emitter.removeAllListeners();
  }
}
