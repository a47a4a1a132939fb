/**
 * The provider server as its own process: baton's sim server on 127.0.0.1 answering the
 * benchmark scenario, every model call after `--latency <ms>` (default 0; a streamed answer
 * spreads it over its chunks). Prints one JSON line with its URLs, then serves until its stdin
 * closes (the parent exits or calls close) or it gets SIGTERM.
 */
import { type SimRequest, type SimScript, startSimServer } from "../src/sim/index.js";
import { SERVER_SCRIPTS } from "./scenario.js";

const flag = process.argv.indexOf("--latency");
const latencyMs = flag < 0 ? 0 : Number(process.argv[flag + 1]);
if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error(`--latency takes milliseconds, got ${process.argv[flag + 1]}`);

/** The scenario's scripts, each turn answered after `latencyMs`. */
function withLatency(scripts: Record<string, SimScript>): Record<string, SimScript> {
  if (latencyMs === 0) return scripts;
  return Object.fromEntries(
    Object.entries(scripts).map(([model, script]) => {
      if (typeof script !== "function") throw new Error(`The bench scripts are functions; ${model}'s is not.`);
      return [model, async (request: SimRequest) => ({ ...(await script(request)), latencyMs })];
    }),
  );
}

const server = await startSimServer({ scripts: withLatency(SERVER_SCRIPTS) });
// The server records every request for tests; a benchmark sends many, so forget them. (Not
// reset(): its per-model call counters make the tool-call ids, which must stay unique.)
const forget = setInterval(() => {
  server.requests.length = 0;
}, 500);

let closing = false;
async function shutdown(): Promise<void> {
  if (closing) return;
  closing = true;
  clearInterval(forget);
  await server.close();
  process.exit(0);
}
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

process.stdout.write(
  `${JSON.stringify({ url: server.url, openaiBaseURL: server.openaiBaseURL, anthropicBaseURL: server.anthropicBaseURL })}\n`,
);
