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
    expect([...systemIds].some((id) => id?.startsWith("tools:"))).toBe(true);
    expect([...systemIds].filter((id) => id?.startsWith("agent:")).map((id) => id!.split(":").slice(2).join(":"))).toEqual([
      "sim/a",
      "sim/b",
    ]);
    const messages = new Set(events.filter((e) => e.type === "@xstate.event").map((e) => (e as { event: { type: string } }).event.type));
    for (const type of ["RUN", "TASK", "STEP.REQUEST", "STEP.GRANT", "STEP.DONE", "HANDOFF", "FINAL"]) expect(messages).toContain(type);
  });
});
