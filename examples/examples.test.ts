import { afterEach, describe, expect, it } from "vitest";
import { startBackend } from "./backend.js";
import { runHandoffExample } from "./handoff.js";
import { runOutputExample } from "./output.js";
import { runPolicyExample } from "./policy.js";
import { runTeamExample } from "./team.js";

describe("examples", () => {
  it("handoff.ts runs research → write on sim models without keys and says so", async () => {
    let out = "";
    let err = "";
    const result = await runHandoffExample({ env: {}, out: (t) => (out += t), err: (t) => (err += t) });
    expect(err).toContain("running on the scripted sim models");
    expect(err).toContain("handoff sim/researcher → sim/writer");
    expect(result.status).toBe("completed");
    expect(result.handoffs).toHaveLength(1);
    expect(out).toContain("# Kestrel-2 reaches orbit");
    expect(out).toContain("hyperspectral camera");
  });

  it("output.ts ends with a typed value: a repair turn after an answer that missed a field", async () => {
    const lines: string[] = [];
    const post = await runOutputExample({ env: {}, log: (line) => lines.push(line) });
    expect(post).toEqual({
      title: "Kestrel-2 reaches orbit",
      summary: "Orbital Labs launched Kestrel-2 to map crop health. The booster flew for the 14th time.",
      tags: ["launch", "satellites", "agriculture"],
    });
    expect(lines).toContain("handoff sim/researcher → sim/writer");
    expect(lines.at(-1)).toBe("model calls: 4 (one of them a repair turn)");
  });

  it("team.ts runs a named team: triage → researcher → writer, two agents on one model", async () => {
    const lines: string[] = [];
    const result = await runTeamExample({ env: {}, log: (line) => lines.push(line) });
    expect(lines[0]).toContain("running on the scripted sim models");
    expect(lines).toContain("handoff triage → researcher: needs facts first");
    expect(lines).toContain("researcher (sim/fast) calls search_notes");
    expect(lines).toContain("handoff researcher → writer");
    expect(result.finalOutput).toBe("Kestrel-2 is in orbit (written from 1 search).");
    expect(result.agentsUsed).toEqual(["triage", "researcher", "writer"]);
    expect(lines.at(-1)).toBe("completed: triage → researcher → writer · triage 1 call(s), researcher 2 call(s), writer 1 call(s)");
  });

  it("policy.ts falls back from the failing model and answers", async () => {
    const lines: string[] = [];
    const result = await runPolicyExample((line) => lines.push(line));
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toContain("18 °C");
    expect(lines).toContain("handoff (fallback) sim/primary → sim/backup");
    expect(lines.some((l) => l.startsWith("retry sim/primary"))).toBe(true);
  });

  describe("backend.ts", () => {
    let stop: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await stop?.();
      stop = undefined;
    });

    it("streams a team's events to the browser as Server-Sent Events", async () => {
      const { server, url, runner } = await startBackend({ port: 0 });
      stop = async () => {
        await runner.close();
        await new Promise((resolve) => server.close(resolve));
      };
      const response = await fetch(`${url}/run?q=${encodeURIComponent("what is baton?")}`);
      expect(response.headers.get("content-type")).toBe("text/event-stream");
      const body = await response.text();
      const events = body
        .trim()
        .split("\n\n")
        .map((block) => {
          const [eventLine, dataLine] = block.split("\n");
          return { type: eventLine!.slice("event: ".length), data: JSON.parse(dataLine!.slice("data: ".length)) };
        });
      expect(events[0]!.type).toBe("run.started");
      expect(events.at(-1)!.type).toBe("run.finished");
      expect(events.find((e) => e.type === "handoff")!.data).toMatchObject({ from: "sim/researcher", to: "sim/writer" });
      const text = events
        .filter((e) => e.type === "text.delta")
        .map((e) => e.data.text)
        .join("");
      expect(text).toContain('Here is an answer about "what is baton?".');
      const page = await (await fetch(url)).text();
      expect(page).toContain("EventSource");
      expect((await fetch(`${url}/run`)).status).toBe(400);
    });
  });
});
