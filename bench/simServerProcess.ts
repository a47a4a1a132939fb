/**
 * The provider server as its own process: baton's sim server on 127.0.0.1, 0 ms latency,
 * answering the benchmark scenario. Prints one JSON line with its URLs, then serves until
 * its stdin closes (the parent exits or calls close) or it gets SIGTERM.
 */
import { startSimServer } from "../src/sim/index.js";
import { SERVER_SCRIPTS } from "./scenario.js";

const server = await startSimServer({ scripts: SERVER_SCRIPTS });
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
