/**
 * The official MCP conformance suite (@modelcontextprotocol/conformance, client mode, suites
 * `core` and `all`) against baton: each scenario runs test/mcp/conformance/client.ts, a program
 * that uses baton's public API only, with a scripted sim model calling the tools. Scenarios that
 * fail must be listed with their reason in conformance/expected-failures.yml (today: none).
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HERE = path.join(ROOT, "test/mcp/conformance");
const SUITE = path.join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");
// Inside node_modules so the bundle's imports of baton's dependencies resolve.
const BUNDLE_DIR = path.join(ROOT, "node_modules/.cache/baton-conformance");
const SCENARIO_TIMEOUT_MS = 300_000;

let work: string;
let bundle: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "baton-conformance-"));
  mkdirSync(BUNDLE_DIR, { recursive: true });
  // One file per run: plain `node` starts it in a fraction of what a TypeScript loader takes.
  bundle = path.join(BUNDLE_DIR, `client-${process.pid}.mjs`);
  await build({
    entryPoints: [path.join(HERE, "client.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    packages: "external",
    outfile: bundle,
    logLevel: "warning",
  });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(bundle, { force: true });
});

async function runSuite(suite: "core" | "all"): Promise<{ code: number | null; output: string; summary: string[] }> {
  const slots = path.join(work, `slots-${suite}`);
  mkdirSync(slots);
  const args = [
    // Node 20 has no fs.globSync, which the suite imports (for a command baton does not run).
    "--import",
    path.join(HERE, "globSyncShim.mjs"),
    SUITE,
    "client",
    "--command",
    `${process.execPath} ${path.join(HERE, "slot.mjs")} ${bundle}`,
    "--suite",
    suite,
    "--expected-failures",
    path.join(HERE, "expected-failures.yml"),
    "--timeout",
    String(SCENARIO_TIMEOUT_MS),
    "-o",
    path.join(work, suite),
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, BATON_CONFORMANCE_SLOTS: slots, BATON_CONFORMANCE_SLOT_COUNT: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", () => undefined); // per-scenario progress: the results are on stdout
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const summary = output
    .slice(output.indexOf("=== SUITE SUMMARY ==="))
    .split("\n")
    .filter((line) => /^[✓✗] /.test(line));
  return { code, output, summary };
}

/** The scenarios expected-failures.yml lists (`  - name  # reason`). */
function expectedFailures(): string[] {
  const text = readFileSync(path.join(HERE, "expected-failures.yml"), "utf8");
  return [...text.matchAll(/^\s+-\s+([\w./-]+)/gm)].map((m) => m[1]!);
}

describe("the MCP conformance suite, client mode", () => {
  for (const [suite, scenarios] of [
    ["core", 18],
    ["all", 26],
  ] as const) {
    it(`passes every scenario of the ${suite} suite`, { timeout: 900_000 }, async () => {
      const { code, output, summary } = await runSuite(suite);
      const expected = expectedFailures();
      const failed = summary.filter((line) => line.startsWith("✗") && !expected.some((name) => line.startsWith(`✗ ${name}:`)));
      expect(failed, output.slice(output.indexOf("=== SUITE SUMMARY ==="))).toEqual([]);
      expect(summary).toHaveLength(scenarios);
      expect(code).toBe(0);
    });
  }
});
