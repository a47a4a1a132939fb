/**
 * The calls a shared service has in flight, by call id, each with the AbortController its work
 * gets. An answer counts only while its call is still wanted: not after an abort, a newer call
 * of the same id, or the service stopping.
 */
export class CallsInFlight {
  readonly #calls = new Map<string, AbortController>();
  #closed = false;

  /** Tracks a new call (aborting an older one of the same id) and returns its controller. */
  start(callId: string): AbortController {
    this.#calls.get(callId)?.abort();
    const controller = new AbortController();
    this.#calls.set(callId, controller);
    return controller;
  }

  /** True, once, for a call whose answer is still wanted; the call stops being tracked. */
  settle(callId: string, controller: AbortController): boolean {
    if (this.#closed || this.#calls.get(callId) !== controller) return false;
    this.#calls.delete(callId);
    return true;
  }

  /** Aborts a call in flight, if any: its answer will be dropped. */
  abort(callId: string): void {
    const controller = this.#calls.get(callId);
    this.#calls.delete(callId);
    controller?.abort();
  }

  /** Aborts every call: the service is stopping. */
  close(): void {
    this.#closed = true;
    for (const callId of [...this.#calls.keys()]) this.abort(callId);
  }
}
