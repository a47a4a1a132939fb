/**
 * Crash and resume (issue 16): a six-step run (tools with side effects, a delegation, a handoff)
 * on a SQLite store is killed with SIGKILL after each of its checkpoint records, inside a tool
 * call and inside a streamed model call; a fresh process resumes every unfinished run. Every
 * run completes with the uninterrupted run's transcript, each side effect happened once, and no
 * checkpoint is torn.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Message, RunResult } from "../../src/index.js";
import { foldRecords } from "../../src/store/fold.js";
import type { CheckpointRecord } from "../../src/store/records.js";

const run = promisify(execFile);
const FIXTURE = path.resolve(import.meta.dirname, "fixtures/crashTeam.ts");
const Database = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "baton-crash-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the fixture in a fresh Node process; a SIGKILL it gives itself is expected when it crashes on purpose. */
async function child(args: string[]): Promise<{ stdout: string; killed: boolean }> {
  try {
    const { stdout } = await run(process.execPath, ["--import", "tsx", FIXTURE, ...args], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { stdout, killed: false };
  } catch (error) {
    const e = error as { signal?: string; stdout?: string; stderr?: string };
    if (e.signal === "SIGKILL") return { stdout: e.stdout ?? "", killed: true };
    throw new Error(`fixture ${args.join(" ")} failed: ${e.stderr ?? String(error)}`);
  }
}

/** At most two children at once: two cores. */
async function pool<T>(jobs: Array<() => Promise<T>>, size = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

/** A transcript with ids and timings aside: who said what, which tools were called with what, what they returned. */
function shape(messages: readonly Message[]): unknown[] {
  return messages.map((m) => {
    if (m.role === "assistant") return { role: m.role, content: m.content, calls: (m.toolCalls ?? []).map((c) => [c.name, c.args]) };
    if (m.role === "tool") return { role: m.role, name: m.name, content: m.content, isError: m.isError === true };
    return { role: m.role, content: m.content };
  });
}

function recordsOf(db: string): Map<string, CheckpointRecord[]> {
  const conn = new Database(db, { readonly: true });
  try {
    expect(conn.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = conn.prepare("SELECT run_id, seq, body FROM records ORDER BY run_id, seq").all() as Array<{
      run_id: string;
      seq: number;
      body: string;
    }>;
    const runs = new Map<string, CheckpointRecord[]>();
    for (const row of rows) {
      const list = runs.get(row.run_id) ?? [];
      // Appended, never rewritten: each run's records are numbered 0, 1, 2, … without a gap.
      expect(row.seq).toBe(list.length);
      list.push(JSON.parse(row.body) as CheckpointRecord);
      runs.set(row.run_id, list);
    }
    return runs;
  } finally {
    conn.close();
  }
}

describe("crash and resume", () => {
  it("killed after every checkpoint, inside a tool call and inside a streamed model call, every run resumes in a fresh process to the same transcript, each effect once", async () => {
    // The uninterrupted run: its transcript is the reference, its records say where to crash.
    const baseDb = path.join(dir, "base.db");
    const base = JSON.parse((await child(["start", baseDb, path.join(dir, "base-effects.jsonl")])).stdout) as RunResult;
    expect(base.status).toBe("completed");
    expect(base.stepsUsed).toBe(6);
    const baseRecords = [...recordsOf(baseDb).values()][0]!;
    expect(baseRecords.map((r) => r.kind)).toEqual([
      "started",
      "answered",
      "step",
      "answered",
      "step",
      "settled",
      "step",
      "answered",
      "step",
      "handoff",
      "answered",
      "step",
      "step",
      "finished",
    ]);

    // Crashes: after each committed record but the final write (the last step and `finished` are
    // committed together: after it there is nothing to resume), inside a tool, mid-stream.
    const db = path.join(dir, "runs.db");
    const effects = path.join(dir, "effects.jsonl");
    const crashes = [...Array.from({ length: baseRecords.length - 2 }, (_, i) => `record:${i + 1}`), "tool", "delta"];
    const outcomes = await pool(crashes.map((crash) => () => child(["start", db, effects, crash])));
    expect(outcomes.map((o) => o.killed)).toEqual(crashes.map(() => true));

    // No checkpoint is torn: each crashed run's records load and fold.
    const before = recordsOf(db);
    expect(before.size).toBe(crashes.length);
    for (const records of before.values()) expect(foldRecords(records).status).toBe("running");

    // One fresh process resumes every unfinished run.
    const resumed = JSON.parse((await child(["resume", db, effects])).stdout) as RunResult[];
    expect(resumed).toHaveLength(crashes.length);
    for (const result of resumed) {
      expect(result.status).toBe("completed");
      expect(result.finalOutput).toBe(base.finalOutput);
      expect(result.stepsUsed).toBe(6);
      expect(result.steps.map((s) => s.agent)).toEqual(base.steps.map((s) => s.agent));
      expect(shape(result.messages)).toEqual(shape(base.messages));
    }

    // Each side effect happened exactly once per run, under a key stable across the resume.
    const lines = readFileSync(effects, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { key: string; value: string });
    const keys = lines.map((l) => l.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const result of resumed) {
      const mine = lines.filter((l) => l.key.startsWith(`${result.runId}:`)).map((l) => l.value);
      expect(mine).toEqual(["recorded the launch", "recorded the post"]);
    }

    // Every run now ends with its result, and nothing is left to resume.
    const after = recordsOf(db);
    for (const records of after.values()) expect(records.at(-1)!.kind).toBe("finished");
    expect(JSON.parse((await child(["resume", db, effects])).stdout)).toEqual([]);
  }, 240_000);
});
