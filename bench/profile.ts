/**
 * Runs one implementation's scenario many times in this process, for a CPU profile:
 *   node --cpu-prof --cpu-prof-dir=/tmp/profiles --import tsx bench/profile.ts baton 2000 [run|stream] [history]
 * The sim server runs in its own process, so the profile holds the client only. `history`
 * sends that many earlier messages with every run (the transcript-length figure).
 */
import { loadFactory } from "./scenarios/index.js";
import type { ImplementationKey } from "./scenarios/types.js";
import { startSimServerProcess } from "./simServer.js";

const key = (process.argv[2] ?? "baton") as ImplementationKey;
const runs = Number(process.argv[3] ?? 1000);
const mode = process.argv[4] ?? "run";
const history = Number(process.argv[5] ?? 0);
const server = await startSimServerProcess();
const impl = await (await loadFactory(key))(server, { history });
const started = performance.now();
for (let i = 0; i < runs; i++) {
  if (mode === "stream") await impl.stream?.();
  else await impl.runOnce();
}
const ms = performance.now() - started;
console.log(`${impl.name}: ${runs} ${mode === "stream" ? "streamed " : ""}runs, ${(ms / runs).toFixed(2)} ms each`);
await impl.close();
await server.close();
