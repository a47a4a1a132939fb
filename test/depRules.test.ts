/**
 * The dependency rules of .dependency-cruiser.cjs (`npm run deps`) on a small fixture tree in
 * the repository's layout: every rule fires on the one bad import written for it, and the
 * imports the layout allows (the composition root wiring actors, baton/sim importing its
 * server, machines importing src/, actors importing SDKs) raise nothing.
 */
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEPCRUISE = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

/** A cycle of type-only imports: depcruise reports it once, from one of the two. */
const CYCLE: Record<string, string> = {
  "src/cycleA.ts": 'import type { B } from "./cycleB.js";\nexport interface A { b?: B }\n',
  "src/cycleB.ts": 'import type { A } from "./cycleA.js";\nexport interface B { a?: A }\n',
};

/** Files that break one rule each (playwright-core two): path → [source, the rule(s) it breaks]. */
const BAD: Record<string, [string, ...string[]]> = {
  "machines/bad/actorType.ts": [
    'import type { Effect } from "../../actors/fx/effect.js";\nexport type T = Effect;\n',
    "machines-no-actors",
  ],
  "machines/bad/actorValue.ts": ['import { effect } from "../../actors/fx/effect.js";\nexport const e = effect;\n', "machines-no-actors"],
  "machines/bad/openai.ts": ['import OpenAI from "openai";\nexport const C = OpenAI;\n', "machines-no-sdks"],
  "machines/bad/anthropic.ts": ['import Anthropic from "@anthropic-ai/sdk";\nexport const C = Anthropic;\n', "machines-no-sdks"],
  "machines/bad/mcp.ts": [
    'import { Client } from "@modelcontextprotocol/sdk/client/index.js";\nexport const C = Client;\n',
    "machines-no-sdks",
  ],
  "machines/bad/bullmq.ts": ['import { Queue } from "bullmq";\nexport const C = Queue;\n', "machines-no-sdks"],
  "machines/bad/ioredis.ts": ['import Redis from "ioredis";\nexport const C = Redis;\n', "machines-no-sdks"],
  "machines/bad/sqlite.ts": ['import Database from "better-sqlite3";\nexport const C = Database;\n', "machines-no-sdks"],
  // A devDependency today (the trace viewer's browser tests), so it breaks that rule too.
  "machines/bad/playwright.ts": [
    'import { chromium } from "playwright-core";\nexport const C = chromium;\n',
    "machines-no-sdks",
    "production-no-dev-deps",
  ],
  "machines/bad/otel.ts": ['import { trace } from "@opentelemetry/api";\nexport const C = trace;\n', "machines-no-sdks"],
  "machines/bad/fs.ts": ['import { readFileSync } from "node:fs";\nexport const f = readFileSync;\n', "machines-no-effect-modules"],
  "machines/bad/fsPromises.ts": [
    'import { readFile } from "node:fs/promises";\nexport const f = readFile;\n',
    "machines-no-effect-modules",
  ],
  "machines/bad/childProcess.ts": ['import { spawn } from "node:child_process";\nexport const f = spawn;\n', "machines-no-effect-modules"],
  "machines/bad/http.ts": ['import { createServer } from "node:http";\nexport const f = createServer;\n', "machines-no-effect-modules"],
  "machines/bad/https.ts": ['import { request } from "node:https";\nexport const f = request;\n', "machines-no-effect-modules"],
  "machines/bad/net.ts": ['import { connect } from "node:net";\nexport const f = connect;\n', "machines-no-effect-modules"],
  "src/pure/actor.ts": ['import { effect } from "../../actors/fx/effect.js";\nexport const e = effect;\n', "src-pure-no-actors"],
  "src/pure/actorType.ts": ['import type { Effect } from "../../actors/fx/effect.js";\nexport type T = Effect;\n', "src-pure-no-actors"],
  "src/pure/machine.ts": ['import { chart } from "../../machines/ok/chart.js";\nexport const c = chart;\n', "src-pure-no-machine-logic"],
  "actors/bad/test.ts": ['import { helper } from "../../test/support/helper.js";\nexport const h = helper;\n', "production-no-tests"],
  "machines/bad/bench.ts": ['import { figure } from "../../bench/figure.js";\nexport const f = figure;\n', "production-no-tests"],
  "src/badExample.ts": ['import { example } from "../examples/example.js";\nexport const e = example;\n', "production-no-tests"],
  "actors/bad/simServer.ts": [
    'import { serve } from "../../src/sim/server/server.js";\nexport const s = serve;\n',
    "production-no-sim-server",
  ],
  "src/providers/simServer.ts": ['import { serve } from "../sim/server/server.js";\nexport const s = serve;\n', "production-no-sim-server"],
  "src/pure/devDep.ts": ['import { describe } from "vitest";\nexport const d = describe;\n', "production-no-dev-deps"],
};

/** Imports the layout allows. */
const GOOD: Record<string, string> = {
  "src/pure/logic.ts": "export const logic = (n: number) => n + 1;\n",
  "src/pure/protocolUser.ts": 'import type { Message } from "../../machines/ok/protocol.js";\nexport type M = Message;\n',
  "machines/ok/protocol.ts": 'export interface Message { type: "PING" }\n',
  "machines/ok/chart.ts":
    'import { setup } from "xstate";\nimport { logic } from "../../src/pure/logic.js";\nimport type { Message } from "./protocol.js";\n' +
    "export const chart = setup({ types: {} as { events: Message } }).createMachine({});\nexport const next = logic;\n",
  "actors/fx/effect.ts":
    'import { readFileSync } from "node:fs";\nimport OpenAI from "openai";\nimport type { Message } from "../../machines/ok/protocol.js";\n' +
    "export type Effect = Message;\nexport const effect = () => [readFileSync, OpenAI];\n",
  "src/index.ts":
    'export { effect } from "../actors/fx/effect.js";\nexport { chart } from "../machines/ok/chart.js";\nexport { logic } from "./pure/logic.js";\n',
  "src/runner.ts":
    'import { effect } from "../actors/fx/effect.js";\nimport { chart } from "../machines/ok/chart.js";\nexport const r = [effect, chart];\n',
  "src/cli/main.ts": 'import { effect } from "../../actors/fx/effect.js";\nexport const m = effect;\n',
  "src/cli.ts": 'import { m } from "./cli/main.js";\nexport const c = m;\n',
  "src/sim/server/server.ts": 'import { createServer } from "node:http";\nexport const serve = createServer;\n',
  "src/sim/script.ts": 'import type { serve } from "./server/server.js";\nexport type S = typeof serve;\n',
  "src/sim/index.ts":
    'export { effect as simProvider } from "../../actors/fx/effect.js";\nexport { serve } from "./server/server.js";\nexport type { S } from "./script.js";\n',
  "test/support/helper.ts": 'import { serve } from "../../src/sim/server/server.js";\nexport const helper = serve;\n',
  "bench/figure.ts": 'import { helper } from "../test/support/helper.js";\nexport const figure = helper;\n',
  "examples/example.ts": 'import { logic } from "../src/index.js";\nexport const example = logic;\n',
};

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

let dir: string;
let violations: Violation[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-deprules-"));
  const files = { ...GOOD, ...CYCLE, ...Object.fromEntries(Object.entries(BAD).map(([path, [source]]) => [path, source])) };
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), source);
  }
  // The project's package.json (dependencies vs devDependencies) and tsconfig; its installed packages.
  copyFileSync(join(ROOT, "package.json"), join(dir, "package.json"));
  copyFileSync(join(ROOT, "tsconfig.json"), join(dir, "tsconfig.json"));
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const args = [
    DEPCRUISE,
    "--config",
    join(ROOT, ".dependency-cruiser.cjs"),
    "--output-type",
    "json",
    "src",
    "machines",
    "actors",
    "test",
    "bench",
    "examples",
  ];
  // depcruise exits 1 when it finds violations: that is the point here, so read its output either way.
  const output = await promisify(execFile)(process.execPath, args, { cwd: dir, maxBuffer: 32 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => {
      if (!error.stdout) throw error;
      return { stdout: error.stdout };
    },
  );
  violations = (JSON.parse(output.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("dependency rules", () => {
  it("resolves every import of the fixture (so a rule cannot pass by not seeing one)", () => {
    expect(violations.filter((v) => v.rule.name === "not-to-unresolvable")).toEqual([]);
  });

  it("no-cycles: a cycle of type-only imports", () => {
    const cycles = violations.filter((v) => v.rule.name === "no-cycles");
    expect(cycles).toHaveLength(1);
    expect(Object.keys(CYCLE)).toContain(cycles[0]!.from);
  });

  for (const [path, [, ...rules]] of Object.entries(BAD)) {
    it(`${rules.join(", ")}: ${path}`, () => {
      expect(violations.filter((v) => v.from === path).map((v) => v.rule.name)).toEqual(rules);
    });
  }

  it("allows what the layout allows: composition root, baton/sim and its server, machines → src, actors → SDKs", () => {
    expect(violations.filter((v) => v.from in GOOD)).toEqual([]);
  });

  it("reports nothing beyond the bad files", () => {
    const cycleFrom = violations.find((v) => v.rule.name === "no-cycles")?.from;
    expect(new Set(violations.map((v) => v.from))).toEqual(new Set([...Object.keys(BAD), cycleFrom]));
  });
});
