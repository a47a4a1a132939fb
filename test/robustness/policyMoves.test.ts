/**
 * Issue 21, item 1: every kind of move (by the model, by a policy, by fallback()) counts against
 * maxHandoffs; the limit ends the run with a handled status; and no path through the supervisor
 * loops without yielding to the event loop. Each scenario runs in a child process
 * (fixtures/policyMoves.ts) that is killed when a scenario gives no answer for a few seconds: a
 * frozen run cannot be stopped from inside its own process, not even by a timer.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const FIXTURE = path.resolve(import.meta.dirname, "fixtures/policyMoves.ts");
const ROOT = path.resolve(import.meta.dirname, "../..");
/** From a scenario's START to its answer; each takes well under a second when it does not freeze. */
const KILL_AFTER_MS = 6_000;
/** Node with tsx loading baton: seconds on a busy 2-core machine. */
const START_MS = 60_000;

const SCENARIOS = ["roundRobin", "roundRobinMax3", "zeroPlainObject", "zeroFunction", "fallbackMax1", "mixed", "callerTimeout"] as const;
type Scenario = (typeof SCENARIOS)[number];

interface Report {
  kind: "result" | "error";
  status?: string;
  reason?: string;
  code?: string;
  message?: string;
  /** `by` of each handoff (of the result, or of the error's partial). */
  handoffs?: string[];
  stepsUsed?: number;
  finalOutput?: string;
  ms: number;
  ticks: number;
}

/**
 * Runs `names` in one child process, in order. A scenario that does not answer within
 * KILL_AFTER_MS froze: the child is killed and that scenario's entry is an Error.
 */
function runChild(names: readonly Scenario[]): Promise<Map<Scenario, Report | Error>> {
  return new Promise((resolve) => {
    const reports = new Map<Scenario, Report | Error>();
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, ...names], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let pending = "";
    let stderr = "";
    let current: Scenario | undefined;
    let killed: string | undefined;
    const kill = (why: string) => {
      killed = why;
      child.kill("SIGKILL");
    };
    let timer = setTimeout(() => kill(`did not start within ${START_MS} ms`), START_MS);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const [tag, name, ...json] = line.split(" ");
        if (tag === "START") {
          current = name as Scenario;
          clearTimeout(timer);
          timer = setTimeout(() => kill(`froze: no answer ${KILL_AFTER_MS} ms after the run started`), KILL_AFTER_MS);
        } else if (tag === "RESULT") {
          clearTimeout(timer);
          reports.set(name as Scenario, JSON.parse(json.join(" ")) as Report);
          current = undefined;
        }
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      const failure = killed ?? `exited with ${code}: ${stderr.slice(-1000)}`;
      if (current) reports.set(current, new Error(`scenario ${current} ${failure}`));
      else if (killed || reports.size < names.length) {
        for (const name of names) if (!reports.has(name)) reports.set(name, new Error(`scenario ${name}: the child ${failure}`));
      }
      resolve(reports);
    });
  });
}

/** Every scenario's report: one child for all, and a new child for the rest after each freeze. */
async function runAll(): Promise<Map<Scenario, Report | Error>> {
  const reports = new Map<Scenario, Report | Error>();
  while (reports.size < SCENARIOS.length) {
    const rest = SCENARIOS.filter((name) => !reports.has(name));
    for (const [name, report] of await runChild(rest)) reports.set(name, report);
  }
  return reports;
}

let all: Promise<Map<Scenario, Report | Error>> | undefined;
async function scenario(name: Scenario): Promise<Report> {
  all ??= runAll();
  const report = (await all).get(name)!;
  if (report instanceof Error) throw report;
  return report;
}

describe("moves count against maxHandoffs", { timeout: 2 * START_MS + SCENARIOS.length * KILL_AFTER_MS }, () => {
  it("a policy that moves the task on every call ends with max_steps after the default 10 handoffs (no freeze)", async () => {
    const report = await scenario("roundRobin");
    expect(report).toMatchObject({ kind: "result", status: "max_steps", stepsUsed: 0 });
    expect(report.reason).toMatch(/maxHandoffs \(10\)/);
    expect(report.handoffs).toEqual(Array(10).fill("policy"));
  });

  it("with maxHandoffs 3 the same policy makes exactly 3 moves", async () => {
    const report = await scenario("roundRobinMax3");
    expect(report).toMatchObject({ kind: "result", status: "max_steps" });
    expect(report.reason).toMatch(/maxHandoffs \(3\)/);
    expect(report.handoffs).toEqual(["policy", "policy", "policy"]);
  });

  it("maxHandoffs 0: a plain-object policy that moves the task makes no handoff; the run ends with max_steps", async () => {
    const report = await scenario("zeroPlainObject");
    expect(report).toMatchObject({ kind: "result", status: "max_steps", handoffs: [] });
    expect(report.reason).toMatch(/maxHandoffs \(0\)/);
  });

  it("maxHandoffs 0: nor does a policy function", async () => {
    const report = await scenario("zeroFunction");
    expect(report).toMatchObject({ kind: "result", status: "max_steps", handoffs: [] });
    expect(report.reason).toMatch(/maxHandoffs \(0\)/);
  });

  it("maxHandoffs 1 with policies.fallback(): at most one move, even when the second model fails too", async () => {
    const report = await scenario("fallbackMax1");
    expect(report.handoffs).toEqual(["fallback"]);
    // The limit is a handled end (max_steps) or the failure the fallback could not absorb, with its partial.
    if (report.kind === "result") expect(report.status).toBe("max_steps");
    else expect(report.code).toBe("PROVIDER_ERROR");
    expect(report.finalOutput).not.toBe("c answers");
  });

  it("moves by the model and by the policy count together", async () => {
    const report = await scenario("mixed");
    expect(report).toMatchObject({ kind: "result", status: "max_steps" });
    expect(report.reason).toMatch(/maxHandoffs \(4\)/);
    expect(report.handoffs).toHaveLength(4);
    expect(new Set(report.handoffs)).toEqual(new Set(["model", "policy"]));
  });

  it("with limits far away, the caller's AbortSignal.timeout(200) still stops the bouncing run (the loop yields)", async () => {
    const report = await scenario("callerTimeout");
    expect(report).toMatchObject({ kind: "error", code: "CANCELLED" });
    expect(report.ms).toBeLessThan(2_000);
    expect(report.ticks).toBeGreaterThan(0);
  });
});
