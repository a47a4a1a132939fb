/**
 * `npm test`: the project's checks in order — typecheck, lint, deps (dependency rules), api (API
 * report), vitest — each an npm script. A failed check does not stop the later ones, so one run
 * shows every problem; the exit code is 1 if any failed. Prints each check's time, and writes
 * .checks-report.json (which .ci/run counts). Arguments go to vitest: `npm test -- test/run.test.ts`.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CHECKS = ["typecheck", "lint", "deps", "api", "vitest"];
const vitestArgs = process.argv.slice(2);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const results = [];
for (const name of CHECKS) {
  const args = ["run", "--silent", name, ...(name === "vitest" && vitestArgs.length ? ["--", ...vitestArgs] : [])];
  process.stdout.write(`\n── ${name} ──\n`);
  const started = performance.now();
  const run = spawnSync(npm, args, { cwd: ROOT, stdio: "inherit" });
  const seconds = (performance.now() - started) / 1000;
  results.push({ name, ok: run.status === 0, seconds });
}

writeFileSync(new URL("../.checks-report.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
const width = Math.max(...CHECKS.map((n) => n.length));
process.stdout.write("\n");
for (const r of results) process.stdout.write(`${r.name.padEnd(width)}  ${r.ok ? "ok    " : "FAILED"}  ${r.seconds.toFixed(1)} s\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
