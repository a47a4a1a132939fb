/**
 * The layout's arrows (issue 12, notes/TEAM.md "The rules of the layout"), checked by
 * `npm run deps` (part of `npm test`). test/depRules.test.ts proves that every rule fires.
 *
 *   src/ (pure: options, translation, catalog) ← machines/ (statecharts) ← actors/ (effects)
 *                                ↖ all three ← the composition root (the public API's wiring)
 *
 * Paths are relative to the folder depcruise runs in (the repository root).
 */

/**
 * The public-API composition root: the only src/ files that may import actors/ and machines/
 * (they build the Runner's actor system). To add a wiring file or folder, add its pattern here.
 */
const COMPOSITION_ROOT = [
  "^src/index\\.ts$",
  "^src/runner\\.ts$",
  "^src/runnerSystem\\.ts$", // the Runner's actor system, services and MCP pool
  "^src/team\\.ts$",
  "^src/runStream\\.ts$",
  "^src/cli\\.ts$", // the `baton` bin entry, wiring like src/cli/
  "^src/cli/",
  "^src/sim/index\\.ts$", // `baton/sim`: exports the sim provider from actors/
  "^src/sim/(simulate|runSeed|wire)\\.ts$", // `simulate()`: Runners on a virtual clock (actors/sim/)
];

/** Production code: what ships and runs in a user's process. */
const PRODUCTION = "^(src|machines|actors)/";

/** SDKs and services clients: effects, so actors/ only. */
const SDKS = [
  "openai",
  "@anthropic-ai/sdk",
  "@modelcontextprotocol/sdk",
  "bullmq",
  "ioredis",
  "better-sqlite3",
  "playwright-core",
  "@opentelemetry/[^/]+",
];
const SDK_PATH = `(^|/)node_modules/(${SDKS.join("|")})/`;

/** Node modules that do I/O: processes, files, network. */
const EFFECT_CORE_MODULES = "^(node:)?(child_process|fs|fs/promises|http|https|http2|net|tls|dgram)$";

/** Rules a statechart would break by importing these; shared by the three machines rules. */
const fromMachines = { path: "^machines/" };

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "An import cycle (type-only imports count): the layers stop being layers. Move the shared part down a level.",
      from: {},
      to: { circular: true },
    },
    {
      name: "machines-no-actors",
      severity: "error",
      comment:
        "machines/ are statecharts: they name actors by systemId and get actor logic from the composition root (machine.provide), " +
        "never import actors/. Protocol types live next to the machines (machines/<capability>/protocol.ts). Type-only imports count too.",
      from: fromMachines,
      to: { path: "^actors/" },
    },
    {
      name: "machines-no-sdks",
      severity: "error",
      comment: "machines/ do no I/O: SDK and service clients are used in actors/ only.",
      from: fromMachines,
      to: { path: SDK_PATH },
    },
    {
      name: "machines-no-effect-modules",
      severity: "error",
      comment: "machines/ do no I/O: processes, files and sockets belong in actors/.",
      from: fromMachines,
      to: { dependencyTypes: ["core"], path: EFFECT_CORE_MODULES },
    },
    {
      name: "src-pure-no-actors",
      severity: "error",
      comment:
        "src/ outside the composition root is pure (options, translation, catalog): it may not import actors/. " +
        "If a public type lives in actors/, move it to src/; if this file wires actors, add it to COMPOSITION_ROOT.",
      from: { path: "^src/", pathNot: COMPOSITION_ROOT },
      to: { path: "^actors/" },
    },
    {
      name: "src-pure-no-machine-logic",
      severity: "error",
      comment: "src/ outside the composition root sits below machines/: it may import their protocol types (type-only) but not their code.",
      from: { path: "^src/", pathNot: COMPOSITION_ROOT },
      to: { path: "^machines/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "production-no-tests",
      severity: "error",
      comment: "Production code never imports tests, the benchmark or the examples.",
      from: { path: PRODUCTION },
      to: { path: "^(test|bench|examples)/" },
    },
    {
      name: "production-no-sim-server",
      severity: "error",
      comment:
        "The sim server is its own product (baton/sim): only src/sim/ may import it. Production code finds the sim provider by registration.",
      from: { path: PRODUCTION, pathNot: "^src/sim/" },
      to: { path: "^src/sim/server/" },
    },
    {
      name: "production-no-dev-deps",
      severity: "error",
      comment: "A devDependency is not installed for users: production code may not import one (type-only imports aside).",
      from: { path: PRODUCTION },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "(^|/)node_modules/" },
    // Type-only imports are dependencies too (cycles, machines → actors).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "types", "default"],
      mainFields: ["module", "main", "types", "typings"],
    },
    // npm packages are recorded (the SDK rules need them) but not followed.
    exclude: { path: "^(dist|coverage)/" },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
