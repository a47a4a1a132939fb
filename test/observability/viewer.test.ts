/**
 * The trace viewer in a real browser: a multi-agent run recorded live (a retry, a tool call, a
 * delegation, a handoff), rendered by `baton trace`, opened in headless chromium. Checks what a
 * person sees: lanes, bars, arrows, the detail of a clicked bar, the numbers per agent, the
 * transcript, and that the page asked the network for nothing.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { createTraceRecorder, type RunResult } from "../../src/index.js";
import { type Browser, openBrowser } from "./browser.js";
import { observedRun } from "./support.js";

const OUTPUT = path.join(import.meta.dirname, "__output__");

let dir: string;
let html: string;
let result: RunResult;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "baton-viewer-"));
  const trace = path.join(dir, "run.jsonl");
  const recorder = createTraceRecorder(trace);
  result = await observedRun([recorder]);
  await recorder.close();
  html = path.join(dir, "run.html");
  const err: string[] = [];
  const code = await main(["trace", trace, "-o", html], { stdout: { write: () => true }, stderr: { write: (t) => err.push(t) }, env: {} });
  expect(code, err.join("")).toBe(0);
  expect(err.join("")).toBe(`Wrote ${html}\n`);
  browser = await openBrowser();
  await browser.page.goto(pathToFileURL(html).href);
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the trace viewer in chromium", () => {
  it("draws a lane per actor, bars for every model and tool call, arrows for the handoff and the delegation", async () => {
    const { page } = browser;
    const team = result.runId ? await page.locator("section.run").getAttribute("data-run-id") : "";
    expect(team).toBe(result.runId);
    const lanes = await page
      .locator("g.lane")
      .evaluateAll((els) => els.map((e) => [e.getAttribute("data-kind"), e.querySelector(".lane-label")?.textContent]));
    expect(lanes).toEqual([
      ["supervisor", "supervisor"],
      ["agent", "sim/lead"],
      ["agent", "sim/researcher"],
      ["agent", "sim/writer"],
      ["tools", "local tools"],
      ["provider", "provider sim"],
    ]);

    const models = await page
      .locator('g.bar[data-kind="model"]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute("data-agent"), e.getAttribute("data-step"), e.getAttribute("data-status")]));
    expect(models).toEqual([
      ["sim/lead", "1", "retried"],
      ["sim/lead", "1", "ok"],
      ["sim/researcher", "2", "ok"],
      ["sim/lead", "3", "ok"],
      ["sim/writer", "4", "ok"],
    ]);
    // Each model call bar sits in its agent's lane and is mirrored in the provider's lane.
    for (const bar of await page.locator('g.bar[data-kind="model"]').all()) {
      expect(await bar.getAttribute("data-lane")).toMatch(/^agent:.*:sim\/(lead|researcher|writer)$/);
      const id = await bar.getAttribute("data-bar-id");
      await expect.poll(() => page.locator(`g.bar[data-of="${id}"][data-lane="provider:sim"]`).count()).toBe(1);
    }
    const tool = page.locator('g.bar[data-kind="tool"]');
    expect(await tool.count()).toBe(1);
    expect(await tool.textContent()).toContain("lookup");
    // The team's local tools actor ran it: the call is mirrored in its lane, and only there.
    const toolId = await tool.getAttribute("data-bar-id");
    const mirrors = await page.locator(`g.bar[data-of="${toolId}"]`).evaluateAll((els) => els.map((e) => e.getAttribute("data-lane")));
    expect(mirrors).toEqual([expect.stringMatching(/^tools:t[^:]+$/)]);
    expect(await page.locator('g.bar[data-kind="delegation"]').getAttribute("data-agent")).toBe("sim/lead");
    // The failed attempt is marked: a retry marker on the lead's lane.
    expect(await page.locator('g.marker[data-marker="retry"]').getAttribute("data-lane")).toMatch(/:sim\/lead$/);
    expect(await page.locator('g.marker[data-marker="retry"] title').textContent()).toBe("retry 1 in 5 ms: sim/lead: overloaded");

    const arrows = await page
      .locator("g.link")
      .evaluateAll((els) =>
        els.map((e) => [
          e.getAttribute("data-arrow"),
          e.getAttribute("data-from")?.split(":").pop(),
          e.getAttribute("data-to")?.split(":").pop(),
        ]),
      );
    expect(arrows).toEqual([
      ["delegation", "sim/lead", "sim/researcher"],
      ["answer", "sim/researcher", "sim/lead"],
      ["handoff", "sim/lead", "sim/writer"],
    ]);
    expect(await page.locator('g.link[data-arrow="handoff"] title').textContent()).toBe("handoff: the research is done");
    // Bars and arrows are drawn where their times say: the handoff leaves after the lead's last call answered.
    const leadLast = page.locator('g.bar[data-kind="model"][data-step="3"]');
    const handoff = page.locator('g.link[data-arrow="handoff"]');
    expect(Number(await handoff.getAttribute("data-t1-ms"))).toBeGreaterThanOrEqual(Number(await leadLast.getAttribute("data-end-ms")));
    const [barBox, arrowBox] = [await leadLast.locator("rect").boundingBox(), await handoff.locator("path").boundingBox()];
    expect(arrowBox!.x).toBeGreaterThan(barBox!.x);
  });

  it("clicking a bar shows that call's request summary and its result", async () => {
    const { page } = browser;
    await page.locator('g.bar[data-kind="tool"]').click();
    const detail = page.locator(".detail");
    await expect.poll(() => detail.locator("h3").textContent()).toBe("Tool call: lookup");
    expect(JSON.parse((await detail.locator('[data-section="Arguments"] pre').textContent()) ?? "")).toEqual({ topic: "probe" });
    expect(await detail.locator('[data-section="Result"] pre').textContent()).toBe("FACT: the probe launched on 2026-05-01.");
    expect(await detail.locator('[data-section="Service"] pre').textContent()).toMatch(/^local tools \(tools:t[^:]+\)$/);

    await page.locator('g.bar[data-kind="model"][data-step="4"]').click();
    await expect.poll(() => detail.locator("h3").textContent()).toBe("Model call: sim/writer");
    expect(await detail.locator(".subtitle").textContent()).toBe("sim/writer · step 4 · attempt 1");
    expect(await detail.locator('[data-section="System prompt"] pre').textContent()).toContain("sim/lead handed this task to you");
    expect(await detail.locator('[data-section="Messages sent"] pre').textContent()).toBe(
      "6 messages; the last 2:\nassistant · sim/lead: Research done. → transfer_to_sim_writer\ntool · transfer_to_sim_writer: Transferred to sim/writer. It takes over the task from here.",
    );
    expect(await detail.locator('[data-section="Tools offered"] pre').textContent()).toBe(
      "lookup, transfer_to_sim_lead, ask_sim_lead, transfer_to_sim_researcher, ask_sim_researcher",
    );
    expect(await detail.locator('[data-section="Answer"] pre').textContent()).toBe(result.finalOutput);
    const usage = JSON.parse((await detail.locator('[data-section="Usage"] pre').textContent()) ?? "{}");
    expect(usage).toEqual({ ...result.steps.find((s) => s.step === 4)!.usage, stopReason: "stop" });

    await page.locator('g.bar[data-status="retried"]').first().click();
    await expect.poll(() => detail.locator('[data-section="Error (retried)"] pre').textContent()).toContain("overloaded");
    expect(await page.locator("g.bar.selected").count()).toBe(1);
  });

  it("shows tokens per agent and the transcript beside the timeline", async () => {
    const { page } = browser;
    for (const [model, usage] of Object.entries(result.usage.byModel)) {
      const row = page.locator(`table.agents tr[data-agent="${model}"]`);
      expect(await row.locator("[data-tokens-in]").textContent()).toBe(String(usage.inputTokens));
      expect(await row.locator("[data-tokens-out]").textContent()).toBe(String(usage.outputTokens));
      expect(await row.locator("[data-cost]").textContent()).toBe("n/a"); // sim models have no price
    }
    const roles = await page.locator("aside.transcript li.msg").evaluateAll((els) => els.map((e) => e.getAttribute("data-role")));
    expect(roles).toEqual(result.messages.map((m) => m.role));
    expect(await page.locator("aside.transcript li.msg").last().textContent()).toContain(result.finalOutput);
  });

  it("made no network request: the page loaded itself and nothing else, with no errors", async () => {
    const { page, requests, errors } = browser;
    await page.locator('g.bar[data-kind="model"][data-step="4"]').click();
    await page.screenshot({ path: path.join(OUTPUT, "viewer.png"), fullPage: true });
    if (process.env.BATON_UPDATE_SCREENSHOT) copyFileSync(path.join(OUTPUT, "viewer.png"), path.join(import.meta.dirname, "viewer.png"));
    expect(requests).toEqual([pathToFileURL(html).href]);
    expect(errors).toEqual([]);
    const text = readFileSync(html, "utf8");
    expect(text).not.toMatch(/<(link|img|iframe)\b|src="http|href="http|@import|url\(http/);
  });
});

mkdirSync(OUTPUT, { recursive: true });
