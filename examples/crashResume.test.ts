import { describe, expect, it } from "vitest";
import { runCrashResumeExample } from "./crashResume.js";

describe("examples/crashResume.ts", () => {
  it("a process killed inside a tool call is resumed by a fresh one: the run completes, the booking is made once", () => {
    const lines: string[] = [];
    const { results, bookings } = runCrashResumeExample((line) => lines.push(line));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "completed", finalOutput: "Your flight to Lisbon is booked. Have a good trip!" });
    expect(results[0]!.agentsUsed).toEqual(["sim/planner", "sim/writer"]);
    expect(results[0]!.steps[0]!.toolCalls[0]).toMatchObject({ name: "book_flight", result: "Already booked to Lisbon." });
    expect(bookings).toBe(1);
    expect(lines[0]).toContain("killed (SIGKILL) inside book_flight");
  }, 60_000);
});
