/**
 * A run that survives its process: a two-agent team on a SQLite store books a flight (a tool
 * with a side effect that honours `ctx.idempotencyKey`), and the process kills itself
 * (SIGKILL) in the middle of that tool call. A fresh process opens the same store, finds the
 * unfinished run and resumes it: the booking is made once, the run completes.
 *
 *   npx tsx examples/crashResume.ts        # runs both processes and prints what happened
 *
 * Sim models, no keys needed.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { defineTool, Runner, type RunResult, sqliteStore } from "../src/index.js";
import type { SimRequest } from "../src/sim/index.js";

const HERE = fileURLToPath(import.meta.url);

/** The team, as every process defines it: the same name, agents and tools. */
function runnerOn(dir: string, crashInTool: boolean): Runner {
  const bookings = path.join(dir, "bookings.jsonl");
  const book = defineTool({
    name: "book_flight",
    description: "Books a flight (charges the card).",
    parameters: z.object({ to: z.string() }),
    execute: ({ to }, { idempotencyKey }) => {
      // The outside world: a booking system that remembers idempotency keys.
      const done = existsSync(bookings) && readFileSync(bookings, "utf8").includes(`"${idempotencyKey}"`);
      if (!done) appendFileSync(bookings, `${JSON.stringify({ key: idempotencyKey, to })}\n`);
      if (crashInTool) process.kill(process.pid, "SIGKILL"); // the process dies before the result is written down
      return done ? `Already booked to ${to}.` : `Booked to ${to}.`;
    },
  });
  // Scripts that read the transcript (not a turn count): a resumed run gets the same answers.
  const booked = (req: SimRequest) => req.messages.some((m) => m.role === "tool" && m.name === "book_flight");
  const runner = new Runner({
    store: sqliteStore(path.join(dir, "runs.db")),
    providers: {
      sim: {
        scripts: {
          planner: (req) =>
            booked(req)
              ? { text: "Booked.", handoff: { to: "sim/writer", reason: "confirm it to the traveller", task: "Write the confirmation." } }
              : { toolCalls: [{ name: "book_flight", args: { to: "Lisbon" } }] },
          writer: () => ({ text: "Your flight to Lisbon is booked. Have a good trip!" }),
        },
      },
    },
  });
  runner.define("travel", { model: ["sim/planner", "sim/writer"], tools: [book] });
  return runner;
}

/** One process's part: `start` (dies in the tool call) or `resume` (finishes every unfinished run). */
async function child(mode: "start" | "resume", dir: string): Promise<void> {
  const runner = runnerOn(dir, mode === "start");
  if (mode === "start") await runner.run({ team: "travel", input: "Book me a flight to Lisbon." });
  const results: RunResult[] = [];
  for (const run of await runner.unfinishedRuns()) results.push((await runner.resume(run.runId)) as RunResult);
  process.stdout.write(JSON.stringify(results));
  await runner.close();
}

/** Runs the crash and the resume, each in its own process; returns what the resume printed and the bookings made. */
export function runCrashResumeExample(log: (line: string) => void = console.log): { results: RunResult[]; bookings: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-crash-example-"));
  try {
    const node = (mode: string) => execFileSync(process.execPath, ["--import", "tsx", HERE, mode, dir], { encoding: "utf8" });
    try {
      node("start");
      throw new Error("the first process should have died");
    } catch (error) {
      if ((error as { signal?: string }).signal !== "SIGKILL") throw error;
      log("The first process was killed (SIGKILL) inside book_flight, after the booking and before its result was written down.");
    }
    const results = JSON.parse(node("resume")) as RunResult[];
    const bookings = readFileSync(path.join(dir, "bookings.jsonl"), "utf8").trim().split("\n").length;
    for (const r of results) {
      log(`A fresh process resumed run ${r.runId}: ${r.status}, agents ${r.agentsUsed.join(" → ")}`);
      log(`  tool result: ${r.steps[0]?.toolCalls[0]?.result}`);
      log(`  answer: ${r.finalOutput}`);
    }
    log(`Bookings made: ${bookings} (the tool ran twice, under one idempotency key).`);
    return { results, bookings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const [mode, dir] = process.argv.slice(2);
if (mode === "start" || mode === "resume") await child(mode, dir!);
else if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) runCrashResumeExample();
