import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { main } from "../src/cli/main.js";
import { cliStore } from "./support/cliStore.js";

const BATON_STORE = cliStore();

function io(env: Record<string, string | undefined> = {}, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env: { BATON_STORE, ...env },
      ...(signal ? { signal } : {}),
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

describe("the baton CLI", () => {
  it("--help prints usage and exits 0", async () => {
    const t = io();
    expect(await main(["--help"], t.io)).toBe(0);
    expect(t.out()).toContain('baton run "<input>" -m <provider/model>');
  });

  it("--version prints the package version", async () => {
    const t = io();
    expect(await main(["-v"], t.io)).toBe(0);
    expect(t.out().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    [["run"], /Missing input/],
    [["run", "hello"], /at least one model with -m.*or a team file with --team/],
    [["fly", "x", "-m", "sim/a"], /Unknown command "fly"/],
    [["run", "x", "-m", "sim/a", "--max-steps", "zero"], /--max-steps must be a whole number/],
    [["run", "x", "--bogus"], /Unknown option '--bogus'/],
  ])("bad usage %j exits 2 with a message", async (argv, message) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(message);
  });

  it("without API keys runs on sim models, says so, streams the answer and prints a summary", async () => {
    const t = io({});
    const code = await main(["run", "Write a post", "-m", "openai/gpt-4o-mini", "-m", "anthropic/claude-sonnet-4-20250514"], t.io);
    expect(code).toBe(0);
    expect(t.err()).toContain("No API key for openai (OPENAI_API_KEY). Running on sim models instead");
    expect(t.err()).toMatch(/handoff sim\/openai-gpt-4o-mini → sim\/anthropic-claude-sonnet-4-20250514/);
    expect(t.err()).toMatch(/— completed\nmodels: .* · steps: 2 · handoffs: 1\ntokens: .* s\n$/);
    expect(t.out()).toContain("(sim anthropic/claude-sonnet-4-20250514) A simulated answer to: Write a post");
  });

  it("--team runs a team file of named agents (on sim models without keys) and names the agents", async () => {
    const t = io({});
    const code = await main(["run", "Write about the launch", "--team", "examples/team.json"], t.io);
    expect(code).toBe(0);
    expect(t.err()).toContain("No API key for openai (OPENAI_API_KEY). Running on sim models instead");
    expect(t.err()).toMatch(/handoff triage → researcher/);
    expect(t.err()).toMatch(/handoff researcher → writer/);
    expect(t.err()).toMatch(
      /agents: triage → researcher → writer \(models: sim\/triage, sim\/researcher, sim\/writer\) · steps: 3 · handoffs: 2/,
    );
    expect(t.out()).toContain("(sim writer, for anthropic/claude-sonnet-4-20250514) A simulated answer to: Write about the launch");
  });

  it.each([
    [["run", "x", "--team", "examples/team.json", "-m", "sim/a"], /either models \(-m\) or a team file/],
    [["run", "x", "--team", "no/such/team.json"], /cannot read the team file \S*no\/such\/team.json: ENOENT/],
    [["run", "x", "--team", "package.json"], /package.json: unknown key "name"/],
  ])("a bad team file use %j exits 2 with a message", async (argv, message) => {
    const t = io({});
    expect(await main(argv, t.io)).toBe(2);
    expect(t.err()).toMatch(message);
  });

  it("--json prints the result as JSON on stdout", async () => {
    const t = io({});
    const code = await main(["run", "x", "-m", "sim/a", "--sim", "--json"], t.io);
    expect(code).toBe(0);
    const result = JSON.parse(t.out());
    expect(result).toMatchObject({ status: "completed", stepsUsed: 1, finalOutput: expect.stringContaining("A simulated answer to: x") });
    expect(t.err()).toContain("--sim");
  });

  it("an unknown provider exits 2 naming the known providers", async () => {
    const t = io({});
    expect(await main(["run", "x", "-m", "acme/model"], t.io)).toBe(2);
    expect(t.err()).toMatch(/UNKNOWN_PROVIDER: Unknown provider "acme"/);
  });

  it("a run stopped by a limit exits 3", async () => {
    const t = io({});
    expect(await main(["run", "x", "-m", "sim/a", "-m", "sim/b", "--sim", "--max-steps", "1"], t.io)).toBe(3);
    expect(t.err()).toMatch(/— max_steps \(maxSteps \(1\) reached\)/);
  });

  it("an abort (SIGINT in the bin) exits 130", async () => {
    const controller = new AbortController();
    const t = io({}, controller.signal);
    setTimeout(() => controller.abort(), 30);
    expect(await main(["run", "x", "-m", "sim/a", "--sim"], t.io)).toBe(130);
    expect(t.err()).toContain("CANCELLED");
  });

  it("the bin runs as a process", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "src/cli.ts", "run", "hi", "-m", "sim/a", "--sim", "--json"],
      {
        env: { PATH: process.env.PATH ?? "", BATON_STORE },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ status: "completed" });
  });
});
