import { afterEach, describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { Runner } from "../src/index.js";

let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  runner = undefined;
});

describe("inspection", () => {
  it("hands the inspect option to XState: every actor and message of the protocol is visible", async () => {
    const events: InspectionEvent[] = [];
    runner = new Runner({
      inspect: (e) => events.push(e),
      providers: { sim: { scripts: { a: [{ handoff: "sim/b" }], b: [{ text: "ok" }] } } },
    });
    await runner.run({ input: "go", model: ["sim/a", "sim/b"] });
    const systemIds = new Set(
      events
        .filter((e) => e.type === "@xstate.actor")
        .map((e) => (e.actorRef as { systemId?: string }).systemId)
        .filter(Boolean),
    );
    expect([...systemIds].some((id) => id?.startsWith("team:"))).toBe(true);
    // No local tools, no tools actor: a team starts only the actors it uses.
    expect([...systemIds].some((id) => id?.startsWith("tools:"))).toBe(false);
    expect([...systemIds].filter((id) => id?.startsWith("agent:")).map((id) => id!.split(":").slice(2).join(":"))).toEqual([
      "sim/a",
      "sim/b",
    ]);
    const messages = new Set(events.filter((e) => e.type === "@xstate.event").map((e) => (e as { event: { type: string } }).event.type));
    // With no policy function a TASK carries its grant: no STEP.REQUEST / STEP.GRANT round trip.
    for (const type of ["RUN", "TASK", "CALL", "CALL.DONE", "HANDOFF", "FINAL"]) expect(messages).toContain(type);
    expect(messages).not.toContain("STEP.REQUEST");
  });
});
