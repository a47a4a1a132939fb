/**
 * Approvals from the CLI (issue 16): an MCP tool with `requireApproval` in mcp.json, asked about
 * on a real terminal (a pty, through `script`), approved with --yes, and off a terminal left
 * waiting with the `baton resume` line that continues it, from another process.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import type { RunResult } from "../../src/index.js";
import { EVERYTHING, NODE } from "../mcp/harness.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BIN = path.join(ROOT, "src/cli.ts");
let dir: string;
let registry: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "baton-cli-approvals-"));
  registry = path.join(dir, "mcp.json");
  // The sim stand-in calls its first tool (echo) once: it needs a person's yes.
  writeFileSync(
    registry,
    JSON.stringify({ mcpServers: { "acme/everything": { command: NODE, args: [EVERYTHING, "stdio"], requireApproval: ["echo"] } } }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(store: string, ask?: (q: string) => Promise<string>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
      env: { BATON_STORE: store },
      ...(ask ? { ask } : {}),
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

const RUN = (extra: string[] = []) => [
  "run",
  "Say hello",
  "-m",
  "sim/a",
  "--sim",
  "--mcp",
  "everything",
  "--mcp-registry",
  registry,
  ...extra,
];

describe("approvals from the CLI", () => {
  it("off a terminal the run stops waiting and prints how to resume; `baton resume --approve` in another process finishes it", async () => {
    const store = path.join(dir, "off-tty.db");
    const first = io(store);
    expect(await main(RUN(), first.io)).toBe(4);
    const hint = first.err();
    expect(hint).toMatch(/Run \S+ is waiting for approval of a tool call:/);
    expect(hint).toContain("sim/a wants to call echo");
    const command = hint.match(/baton resume (\S+) --approve (\S+)/);
    expect(command).not.toBeNull();
    const [, runId, callId] = command!;
    // The line works as printed, in a fresh process (the store is the only thing shared).
    const { stdout, stderr } = await promisify(execFile)(NODE, ["--import", "tsx", BIN, "resume", runId!, "--approve", callId!, "--json"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", BATON_STORE: store },
    });
    const result = JSON.parse(stdout) as RunResult;
    expect(result).toMatchObject({ status: "completed", runId });
    expect(result.messages.find((m) => m.role === "tool")).toMatchObject({ name: "echo", content: "Echo: example" });
    expect(stderr).toContain("Resuming on sim models");
    // Resuming again gives the same result: it is over.
    const again = io(store);
    expect(await main(["resume", runId!, "--json"], again.io)).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ status: "completed", runId });
  }, 60_000);

  it("--reject: the model reads the refusal as the tool's result", async () => {
    const store = path.join(dir, "reject.db");
    const first = io(store);
    expect(await main(RUN(), first.io)).toBe(4);
    const [, runId, callId] = first.err().match(/baton resume (\S+) --approve (\S+)/)!;
    const second = io(store);
    expect(await main(["resume", runId!, "--reject", `${callId}:not this one`, "--json"], second.io)).toBe(0);
    const result = JSON.parse(second.out()) as RunResult;
    expect(result.messages.find((m) => m.role === "tool")).toMatchObject({
      name: "echo",
      content: expect.stringContaining("not this one"),
    });
  }, 60_000);

  it("--yes approves every call; a question answered no is a refusal", async () => {
    const yes = io(path.join(dir, "yes.db"));
    expect(await main([...RUN(["--yes", "--json"])], yes.io)).toBe(0);
    expect(yes.err()).toContain("✓ approved (--yes): sim/a wants to call echo");
    expect((JSON.parse(yes.out()) as RunResult).messages.find((m) => m.role === "tool")).toMatchObject({ content: "Echo: example" });

    const questions: string[] = [];
    const no = io(path.join(dir, "no.db"), async (q) => {
      questions.push(q);
      return "n";
    });
    expect(await main(RUN(["--json"]), no.io)).toBe(0);
    expect(questions).toEqual([expect.stringMatching(/^\? sim\/a wants to call echo \{"message":"example"\}\. Approve\? \[y\/N\] $/)]);
    expect((JSON.parse(no.out()) as RunResult).messages.find((m) => m.role === "tool")).toMatchObject({
      content: expect.stringContaining("declined"),
    });
  }, 60_000);

  it("on a terminal (a pty) baton asks y/N, shows the tool and its arguments, and goes on when told y", async () => {
    const store = path.join(dir, "tty.db");
    const command = [NODE, "--import", "tsx", BIN, ...RUN()].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    // util-linux `script` gives the bin a pty for stdin, stdout and stderr.
    const child: ChildProcess = spawn("script", ["-qefc", command, "/dev/null"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", BATON_STORE: store, TERM: "dumb" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let screen = "";
    let answered = false;
    child.stdout!.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      if (!answered && screen.includes("Approve? [y/N]")) {
        answered = true;
        child.stdin!.write("y\r");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    child.stdin!.end();
    expect(screen).toContain('? sim/a wants to call echo {"message":"example"}. Approve? [y/N]');
    expect(code).toBe(0);
    expect(screen).toContain("— completed");
    expect(screen).toContain("A simulated answer to: Say hello");
  }, 60_000);
});
