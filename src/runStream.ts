import { EventEmitter } from "eventemitter3";
import type { RunEvent, RunEventListeners, RunEventMap } from "./events.js";
import type { RunResult } from "./result.js";

/**
 * A run as it happens: an async iterable of its events (buffered, so a slow consumer loses
 * nothing), typed `.on()` listeners, and `.result`.
 */
export class RunStream<TOutput = string> implements AsyncIterable<RunEvent> {
  readonly result: Promise<RunResult<TOutput>>;
  readonly #emitter = new EventEmitter<RunEventListeners>();
  readonly #buffer: RunEvent[] = [];
  #waiting: (() => void) | undefined;
  #ended = false;
  #error: unknown;
  #iterating = false;

  /** @internal */
  constructor(start: (push: (event: RunEvent) => void) => Promise<RunResult<unknown>>) {
    this.result = start((event) => {
      this.#buffer.push(event);
      this.#emitter.emit(event.type, event as never);
      this.#wake();
    }).then(
      (result) => {
        this.#end();
        return result as RunResult<TOutput>;
      },
      (error: unknown) => {
        this.#error = error;
        this.#end();
        throw error;
      },
    );
    // The iterator and `.on` users may never read `.result`; its rejection is not unhandled.
    this.result.catch(() => undefined);
  }

  on<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): this {
    this.#emitter.on(name, listener as never);
    return this;
  }

  off<K extends keyof RunEventMap>(name: K, listener?: RunEventListeners[K]): this {
    this.#emitter.off(name, listener as never);
    return this;
  }

  #end(): void {
    this.#ended = true;
    this.#wake();
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  /** Yields every event; after `run.failed` it throws the run's BatonError. Iterate once. */
  async *[Symbol.asyncIterator](): AsyncIterator<RunEvent> {
    if (this.#iterating) throw new Error("A RunStream can be iterated once.");
    this.#iterating = true;
    while (true) {
      const event = this.#buffer.shift();
      if (event) {
        yield event;
        continue;
      }
      if (this.#ended) break;
      await new Promise<void>((resolve) => {
        this.#waiting = resolve;
      });
    }
    if (this.#error !== undefined) throw this.#error;
  }
}
