/**
 * `npm test`: the project's checks — typecheck, lint, deps (dependency rules), api (API report),
 * then vitest — each an npm script. The four static checks are single-threaded, so they run two
 * at a time (their output is held and printed whole, in order); vitest runs last with the
 * terminal. A failed check does not stop the others, so one run shows every problem; the exit
 * code is 1 if any failed. Prints each check's time, and writes .checks-report.json (which
 * .ci/run counts). Arguments go to vitest: `npm test -- test/run.test.ts`.
 */
import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STATIC = ["typecheck", "api", "lint", "deps"];
const ORDER = ["typecheck", "lint", "deps", "api", "vitest"];
const PARALLEL = 2;
const vitestArgs = process.argv.slice(2);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/** Runs one static check with its output captured (stdout and stderr interleaved as written). */
function runCaptured(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(npm, ["run", "--silent", name], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const output = [];
    child.stdout.on("data", (chunk) => output.push(chunk));
    child.stderr.on("data", (chunk) => output.push(chunk));
    const done = (ok, extra = "") =>
      resolve({ name, ok, seconds: (performance.now() - started) / 1000, output: Buffer.concat(output).toString() + extra });
    child.once("error", (error) => done(false, `\n${error.message}\n`));
    child.once("close", (code) => done(code === 0));
  });
}

const results = new Map();
const queue = [...STATIC];
await Promise.all(
  Array.from({ length: PARALLEL }, async () => {
    for (let name = queue.shift(); name; name = queue.shift()) results.set(name, await runCaptured(name));
  }),
);
for (const name of STATIC) {
  const r = results.get(name);
  process.stdout.write(`\n── ${name} ──\n${r.output}`);
  delete r.output;
}

process.stdout.write("\n── vitest ──\n");
const started = performance.now();
const vitest = spawnSync(npm, ["run", "--silent", "vitest", ...(vitestArgs.length ? ["--", ...vitestArgs] : [])], {
  cwd: ROOT,
  stdio: "inherit",
});
results.set("vitest", { name: "vitest", ok: vitest.status === 0, seconds: (performance.now() - started) / 1000 });

const ordered = ORDER.map((name) => results.get(name));
writeFileSync(new URL("../.checks-report.json", import.meta.url), `${JSON.stringify(ordered, null, 2)}\n`);
const width = Math.max(...ORDER.map((n) => n.length));
process.stdout.write("\n");
for (const r of ordered) process.stdout.write(`${r.name.padEnd(width)}  ${r.ok ? "ok    " : "FAILED"}  ${r.seconds.toFixed(1)} s\n`);
process.exit(ordered.every((r) => r.ok) ? 0 : 1);
