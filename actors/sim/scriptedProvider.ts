import { BatonError } from "../../src/errors.js";
import { resolveTurn, type SimRequest, type SimTurn, scriptedFault, textChunks, turnToResponse } from "../../src/providers/simScript.js";
import type { ModelRequest, ModelResponse, PlainModelRequest, Provider } from "../../src/providers/types.js";
import type { Decision, FaultPlan } from "../../src/sim/simulate/faults.js";
import type { SimRng } from "../../src/sim/simulate/rng.js";
import type { SimulateScript } from "../../src/sim/simulate/types.js";
import type { VirtualClock } from "./virtualClock.js";

export interface SimCallHooks {
  clock: VirtualClock;
  plan: FaultPlan;
  /** Every model call as received, for the transcript invariant. */
  record(request: PlainModelRequest): void;
  /** A decision point drew `abortAt`: abort the run. */
  abort(): void;
}

/** The error a fault stands for, as the real adapters report it. */
export function faultError(decision: Decision, modelId: string, model: string): BatonError | undefined {
  const status = decision.fault === "providerError" ? 500 : decision.fault === "rateLimit" ? 429 : undefined;
  if (status !== undefined) {
    return new BatonError("PROVIDER_ERROR", `${modelId}: simulated HTTP ${status}`, {
      details: {
        provider: "sim",
        model,
        status,
        retryable: true,
        ...(decision.retryAfterMs === undefined ? {} : { retryAfterMs: decision.retryAfterMs }),
      },
    });
  }
  if (decision.fault === "streamCut") {
    return new BatonError("PROVIDER_ERROR", `${modelId}: the stream was cut (simulated connection reset)`, {
      details: { provider: "sim", model, retryable: true },
    });
  }
  return undefined;
}

/**
 * The in-process model of a simulation: plays the scripts (a function script gets the seed's
 * rng) and injects the plan's faults, on simulated time. A call that fails leaves the script
 * where it was, so the retry gets the same turn. Counters are per conversation and model.
 */
export function scriptedProvider(name: string, scripts: Record<string, SimulateScript>, rng: SimRng, hooks: SimCallHooks): Provider {
  const counters = new Map<string, number>();
  return {
    name,
    async call(request: ModelRequest): Promise<ModelResponse> {
      const { signal, onTextDelta, ...plain } = request;
      hooks.record(plain); // the transcript is never mutated: no copy needed
      const decision = hooks.plan.decide("model");
      if (decision.abort) hooks.abort();
      if (decision.latencyMs) await hooks.clock.sleep(decision.latencyMs, signal);
      signal?.throwIfAborted();
      const failure = decision.fault === "streamCut" ? undefined : faultError(decision, request.modelId, request.model);
      if (failure) throw failure;
      const key = `${request.sessionId}\u0000${request.model}`;
      const callIndex = counters.get(key) ?? 0;
      const simRequest: SimRequest = {
        model: request.modelId,
        messages: request.messages,
        tools: request.tools,
        settings: request.settings,
        callIndex,
        ...(request.system === undefined ? {} : { system: request.system }),
        ...(request.output === undefined ? {} : { output: request.output }),
      };
      const script = scripts[request.model];
      const turn: SimTurn = await resolveTurn(
        request.modelId,
        typeof script === "function" ? (req: SimRequest) => script(req, rng) : script,
        simRequest,
      );
      if (turn.latencyMs) await hooks.clock.sleep(turn.latencyMs, signal);
      signal?.throwIfAborted();
      const scripted = scriptedFault(turn, request.modelId, request.model);
      if (scripted) throw scripted;
      const response = turnToResponse(turn, simRequest);
      const chunks = textChunks(response.text);
      if (decision.fault === "streamCut") {
        if (onTextDelta) for (const chunk of chunks.slice(0, Math.floor(chunks.length / 2))) onTextDelta(chunk);
        throw faultError(decision, request.modelId, request.model)!;
      }
      if ((decision.fault === "malformedToolArgs" || turn.fault?.malformedToolArgs) && response.toolCalls.length) {
        // What the adapters make of broken argument JSON (src/providers/toolArgs.ts).
        const [first, ...rest] = response.toolCalls;
        response.toolCalls = [
          { ...first!, args: {}, argsError: 'Tool arguments are not valid JSON (Unexpected end of JSON input): {"' },
          ...rest,
        ];
      }
      counters.set(key, callIndex + 1);
      if (onTextDelta) for (const chunk of chunks) onTextDelta(chunk);
      return response;
    },
    endSession(sessionId: string): void {
      for (const key of counters.keys()) if (key.startsWith(`${sessionId}\u0000`)) counters.delete(key);
    },
  };
}
