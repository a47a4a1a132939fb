/**
 * `simulate({ wire: true })`: the team's models reached through the real openai and anthropic
 * SDKs and the sim HTTP server, one server for all seeds. The server's one script plays the
 * current seed's scripts and injects the fault of the call on the wire.
 */
import type { WireGate } from "../../actors/sim/wireProvider.js";
import type { ProvidersConfig } from "../providers/config.js";
import { resolveTurn, type SimRequest, type SimTurn } from "../providers/simScript.js";
import { startSimServer } from "./server/index.js";
import type { SimRng } from "./simulate/rng.js";
import type { SimulateScript } from "./simulate/types.js";

/** Where a streamed answer is cut (SSE events sent first). */
const CUT_AFTER_EVENTS = 2;

export interface WireSeed {
  scripts: Record<string, SimulateScript>;
  rng: SimRng;
  gate: WireGate;
}

export interface Wire {
  /** Providers config pointing every built-in provider (and `sim/*`, as OpenAI) at the server. */
  providers: ProvidersConfig;
  begin(seed: WireSeed): void;
  close(): Promise<void>;
}

export async function startWire(): Promise<Wire> {
  let current: WireSeed | undefined;
  const counters = new Map<string, number>();
  const server = await startSimServer({
    defaultScript: async (request: SimRequest): Promise<SimTurn> => {
      const seed = current!;
      const decision = seed.gate.take();
      if (decision?.fault === "providerError") return { fault: { status: 500 } };
      if (decision?.fault === "rateLimit") return { fault: { status: 429, retryAfter: Math.ceil((decision.retryAfterMs ?? 1000) / 1000) } };
      const callIndex = counters.get(request.model) ?? 0;
      const script = seed.scripts[request.model];
      const turn = await resolveTurn(request.model, typeof script === "function" ? (req: SimRequest) => script(req, seed.rng) : script, {
        ...request,
        callIndex,
      });
      // Latency is simulated before the call; the server would wait in real time.
      const { latencyMs: _real, ...played } = turn;
      if (decision?.fault === "streamCut") return { ...played, fault: { ...played.fault, cutStreamAfter: CUT_AFTER_EVENTS } };
      counters.set(request.model, callIndex + 1);
      if (decision?.fault === "malformedToolArgs") return { ...played, fault: { ...played.fault, malformedToolArgs: true } };
      return played;
    },
  });
  const key = { apiKey: "sim" };
  return {
    providers: {
      openai: { ...key, baseURL: server.openaiBaseURL },
      anthropic: { ...key, baseURL: server.anthropicBaseURL },
      sim: { ...key, kind: "openai", baseURL: server.openaiBaseURL },
    },
    begin(seed) {
      current = seed;
      counters.clear();
      server.reset();
    },
    close: () => server.close(),
  };
}
