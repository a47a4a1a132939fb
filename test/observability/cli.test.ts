/**
 * The CLI side of tracing: `baton run --trace/--trace-html` records and renders a run, and
 * `baton trace` renders a trace file or says clearly what is wrong.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { parseTrace } from "../../src/observability/records.js";
import { cliStore } from "../support/cliStore.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-cli-trace-"));
  dirs.push(dir);
  return dir;
}

const BATON_STORE = cliStore();

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env: { BATON_STORE } },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

describe("tracing from the CLI", () => {
  it("baton run --trace and --trace-html write the trace and its page", async () => {
    const dir = tempDir();
    const trace = path.join(dir, "run.jsonl");
    const page = path.join(dir, "run.html");
    const t = io();
    const code = await main(["run", "Write a post", "-m", "sim/a", "-m", "sim/b", "--sim", "--trace", trace, "--trace-html", page], t.io);
    expect(code, t.err()).toBe(0);
    expect(t.err()).toContain(`trace: ${trace}\n`);
    expect(t.err()).toContain(`trace page: ${page}\n`);
    const records = parseTrace(readFileSync(trace, "utf8"));
    const events = records.filter((r) => r.kind === "event").map((r) => r.type);
    expect(events[0]).toBe("run.started");
    expect(events).toContain("handoff");
    expect(events.at(-1)).toBe("run.finished");
    expect(records.some((r) => r.kind === "message" && r.type === "HANDOFF")).toBe(true);
    const html = readFileSync(page, "utf8");
    expect(html).toContain('data-arrow="handoff"');
    expect(html.match(/data-kind="model"/g)).toHaveLength(2);
  });

  it("--trace-html alone renders the page without leaving a trace file behind", async () => {
    const dir = tempDir();
    const page = path.join(dir, "only.html");
    const t = io();
    expect(await main(["run", "x", "-m", "sim/a", "--sim", "--trace-html", page], t.io)).toBe(0);
    expect(readFileSync(page, "utf8")).toContain('data-kind="model"');
    expect(existsSync(path.join(dir, "only.jsonl"))).toBe(false);
  });

  it("--trace into a folder that does not exist is a usage error before anything runs", async () => {
    const t = io();
    expect(await main(["run", "x", "-m", "sim/a", "--sim", "--trace", path.join(tempDir(), "missing", "t.jsonl")], t.io)).toBe(2);
    expect(t.err()).toMatch(/baton: Cannot write the trace file ".*t\.jsonl".*Check that its folder exists/);
  });

  it("baton trace names the page after the trace by default", async () => {
    const dir = tempDir();
    const trace = path.join(dir, "team.jsonl");
    await main(["run", "x", "-m", "sim/a", "--sim", "--trace", trace], io().io);
    const t = io();
    expect(await main(["trace", trace], t.io)).toBe(0);
    expect(t.err()).toBe(`Wrote ${path.join(dir, "team.html")}\n`);
    expect(readFileSync(path.join(dir, "team.html"), "utf8")).toMatch(/^<!doctype html>/);
  });

  it.each([
    [["trace"], 2, /give one trace file/],
    [["trace", "a.jsonl", "b.jsonl"], 2, /give one trace file/],
    [["trace", "x.jsonl", "--bogus"], 2, /Unknown option '--bogus'/],
    [["trace", "/nonexistent/run.jsonl"], 1, /cannot read "\/nonexistent\/run\.jsonl"/],
  ])("baton %j exits %i with a message", async (argv, exit, message) => {
    const t = io();
    expect(await main(argv, t.io)).toBe(exit);
    expect(t.err()).toMatch(message);
  });

  it("a file that is not a trace is refused with the line at fault", async () => {
    const bad = path.join(tempDir(), "notes.jsonl");
    writeFileSync(bad, "hello\n");
    const t = io();
    expect(await main(["trace", bad], t.io)).toBe(1);
    expect(t.err()).toBe(`baton trace: ${bad}: Not a baton trace: Line 1 is not JSON (Unexpected token 'h', "hello" is not valid JSON).\n`);
  });

  it("baton trace --help and the main usage mention the command", async () => {
    const t = io();
    expect(await main(["trace", "--help"], t.io)).toBe(0);
    expect(t.out()).toContain("baton trace <run.jsonl> [-o <run.html>]");
    const u = io();
    await main(["--help"], u.io);
    expect(u.out()).toContain("--trace-html <file>");
  });
});
