/**
 * The team's event channel after a run has ended: found while capturing protocol messages.
 * Progress events (tool.called, …) go through the event channel, apart from the supervisor; a
 * listener that throws ends the run at once (RUN.ABORT → run.failed), but the rest of the
 * step's progress, already sent to the channel, is still delivered after run.failed.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type RunEvent, Runner } from "../../src/index.js";

describe("events of a run that has ended", () => {
  // BUG (actors/team/session.ts `#deliver`, with actors/team/eventChannel.ts): after a listener
  // throws on the first tool.called of a step, the run fails (run.failed), and then the second
  // tool.called of the same step is delivered to the listeners: an event of the run after its
  // terminal event. Worse, a listener that throws on every tool.called throws again on that
  // straggler; `#deliver` then finds no current run and rethrows it with queueMicrotask, an
  // uncaught exception that crashes the process even though the caller handled the run's
  // rejection (reproduced with a plain script: "exit 1"). Events of a run that has ended should
  // be dropped (and a listener error on them not rethrown as uncaught).
  it("no event of a run reaches listeners after its run.failed", async () => {
    const calc = defineTool({ name: "calc", description: "adds one", parameters: z.object({ a: z.number() }), execute: ({ a }) => a + 1 });
    const runner = new Runner({
      providers: {
        sim: {
          scripts: {
            p: [
              {
                toolCalls: [
                  { name: "calc", args: { a: 1 } },
                  { name: "calc", args: { a: 2 } },
                ],
              },
              { text: "done" },
            ],
          },
        },
      },
    });
    try {
      const team = runner.team({ model: "sim/p", tools: [calc] });
      const seen: RunEvent["type"][] = [];
      let thrown = false;
      team.subscribe((event) => {
        seen.push(event.type);
        if (event.type === "tool.called" && !thrown) {
          thrown = true;
          throw new Error("listener broke");
        }
      });
      await expect(team.run("go")).rejects.toMatchObject({ code: "LISTENER_ERROR" });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen.slice(seen.indexOf("run.failed") + 1)).toEqual([]);
    } finally {
      await runner.close();
    }
  });
});
