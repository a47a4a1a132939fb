import type { ModelRequest, ModelResponse, Provider } from "../../src/providers/types.js";
import type { Decision } from "../../src/sim/simulate/faults.js";
import type { SimCallHooks } from "./scriptedProvider.js";

/**
 * One model call at a time over the wire, so their order never depends on the network; the
 * sim server's script reads the call's decision from here (`take`). While a call is out,
 * simulated time waits (`busy`).
 */
export class WireGate {
  #inflight = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #decision: Decision | undefined;

  get busy(): boolean {
    return this.#inflight > 0;
  }

  /** The decision of the call now on the wire (the sim server asks once per request). */
  take(): Decision | undefined {
    const decision = this.#decision;
    this.#decision = undefined;
    return decision;
  }

  serial<T>(decision: Decision, call: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#decision = decision;
      this.#inflight++;
      try {
        return await call();
      } finally {
        this.#inflight--;
      }
    };
    const next = this.#queue.then(run, run);
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

/**
 * A real adapter (openai, anthropic SDKs) talking to the sim server, under the plan: the call's
 * latency on simulated time, its fault injected by the server (HTTP status, cut stream, broken
 * argument JSON) so the adapter meets it as it would in production.
 */
export function wireProvider(inner: Provider, hooks: SimCallHooks, gate: WireGate): Provider {
  const provider: Provider = {
    name: inner.name,
    async call(request: ModelRequest): Promise<ModelResponse> {
      const { signal, onTextDelta, ...plain } = request;
      hooks.record(plain); // the transcript is never mutated: no copy needed
      const decision = hooks.plan.decide("model");
      if (decision.abort) hooks.abort();
      if (decision.latencyMs) await hooks.clock.sleep(decision.latencyMs, signal);
      signal?.throwIfAborted();
      return gate.serial(decision, () => inner.call(request));
    },
  };
  if (inner.close) provider.close = () => inner.close!();
  if (inner.endSession) provider.endSession = (sessionId) => inner.endSession!(sessionId);
  return provider;
}
