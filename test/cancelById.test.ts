/** runner.cancel(runId) in-process (issue 17): cancels a run of this Runner by its id; an unknown id is a clear error. */
import { afterEach, expect, it } from "vitest";
import { BatonError, Runner } from "../src/index.js";

const runners: Runner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

function newRunner(): Runner {
  const runner = new Runner({
    providers: { sim: { scripts: { slow: () => ({ text: "late", latencyMs: 60_000 }), quick: () => ({ text: "done" }) } } },
  });
  runners.push(runner);
  return runner;
}

it("cancels a streamed run by id: it ends with CANCELLED", async () => {
  const runner = newRunner();
  const stream = runner.stream({ model: "sim/slow", input: "wait" });
  const runId = await new Promise<string>((resolve) => stream.on("step.started", (e) => resolve(e.runId)));
  await runner.cancel(runId);
  const error = await stream.result.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BatonError);
  expect((error as BatonError).code).toBe("CANCELLED");
});

it("cancels runner.run by the id its events carry; the run's own signal still works alongside", async () => {
  const runner = newRunner();
  runner.define("slow", { model: "sim/slow" });
  let runId: string | undefined;
  const stream = runner.stream({ team: "slow", input: "wait", signal: new AbortController().signal });
  stream.on("run.started", (e) => {
    runId = e.runId;
  });
  await new Promise<void>((resolve) => stream.on("step.started", () => resolve()));
  await runner.cancel(runId!);
  await expect(stream.result).rejects.toMatchObject({ code: "CANCELLED" });
});

it("an unknown run id is a clear error; a run that has ended is left as it is", async () => {
  const runner = newRunner();
  await expect(runner.cancel("nope")).rejects.toThrow(/No run nope in this Runner/);
  await expect(runner.cancel("" as string)).rejects.toThrow(/cancel takes the run's id/);
  const done = await runner.run({ model: "sim/quick", input: "hi" });
  await expect(runner.cancel(done.runId)).resolves.toBeUndefined();
  expect(done.finalOutput).toBe("done");
});
