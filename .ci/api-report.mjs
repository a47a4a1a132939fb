/**
 * The API report check (`npm run api`) and update (`npm run api:update`) for both entry points,
 * `baton` (api-extractor.json) and `baton/sim` (api-extractor.sim.json), from the built
 * declarations in dist/ (run `npm run build` first; the npm scripts do).
 *
 * Check: fails when a report differs from the committed one (printing the diff), or on any
 * error, e.g. ae-forgotten-export (a public type mentions a type the entry point does not export).
 * Update: rewrites src/api-report/*.api.md; still fails on errors, so they are seen.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CompilerState, Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CONFIGS = ["api-extractor.json", "api-extractor.sim.json"];
const update = process.argv.includes("--update");

process.chdir(ROOT);
const configs = CONFIGS.map((file) => ExtractorConfig.loadFileAndPrepare(file));
for (const config of configs) {
  if (!existsSync(config.mainEntryPointFilePath)) {
    console.error(`${relative(ROOT, config.mainEntryPointFilePath)} is missing: run npm run build first.`);
    process.exit(1);
  }
}
// The project's TypeScript (not the one api-extractor bundles), and one program for both entry points.
const typescriptCompilerFolder = dirname(createRequire(import.meta.url).resolve("typescript/package.json"));
const compilerState = CompilerState.create(configs[0], {
  typescriptCompilerFolder,
  additionalEntryPoints: configs.slice(1).map((config) => config.mainEntryPointFilePath),
});

const failures = [];
let changed = false;
for (const [i, config] of configs.entries()) {
  const result = Extractor.invoke(config, { localBuild: update, compilerState, typescriptCompilerFolder, printApiReportDiff: true });
  const report = relative(ROOT, config.reportFilePath);
  if (result.errorCount > 0) failures.push(`${CONFIGS[i]}: ${result.errorCount} error(s) above`);
  if (!update && result.apiReportChanged) {
    changed = true;
    failures.push(`${report} differs from the public surface (diff above)`);
  } else if (!update && !result.succeeded && result.errorCount === 0)
    failures.push(`${CONFIGS[i]}: ${result.warningCount} warning(s) above`);
  if (update && result.apiReportChanged) console.log(`Updated ${report}.`);
}
if (failures.length) {
  console.error(`\nAPI report: ${failures.join("; ")}.`);
  if (changed) console.error("If the change is intended: npm run api:update, then commit src/api-report/.");
  process.exit(1);
}
console.log(`API report: ${update ? "written" : "matches"} (${configs.map((c) => relative(ROOT, c.reportFilePath)).join(", ")}).`);
