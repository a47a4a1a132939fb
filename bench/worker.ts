/**
 * One measurement in a fresh process (so memory figures and JIT state belong to one
 * implementation only). Started by workers.ts with the task as JSON in argv[2]; answers over IPC.
 */
import { measureImplementation } from "./figures.js";
import { measureAtLatency } from "./latency.js";
import { measureMcp } from "./mcp.js";
import { measureMessages } from "./messages.js";
import { measureIdleTeams, measureTranscripts } from "./scale.js";
import { loadFactory } from "./scenarios/index.js";
import type { Task, TaskResult, WorkerMessage } from "./tasks.js";

async function perform(task: Task): Promise<TaskResult> {
  switch (task.kind) {
    case "scenario": {
      const started = performance.now();
      const impl = await (await loadFactory(task.impl))(task.endpoints);
      const setupMs = performance.now() - started;
      try {
        return { kind: "scenario", impl: task.impl, figures: await measureImplementation(impl, task.counts, setupMs) };
      } finally {
        await impl.close();
      }
    }
    case "latency": {
      const impl = await (await loadFactory(task.impl))(task.endpoints);
      try {
        return { kind: "latency", impl: task.impl, figures: await measureAtLatency(impl, task.counts.latency) };
      } finally {
        await impl.close();
      }
    }
    case "messages":
      return { kind: "messages", figures: await measureMessages(task.endpoints) };
    case "transcript":
      return {
        kind: "transcript",
        impl: task.impl,
        figures: await measureTranscripts(await loadFactory(task.impl), task.endpoints, task.counts),
      };
    case "mcp":
      return { kind: "mcp", figures: await measureMcp(task.counts) };
    case "teams":
      return { kind: "teams", figures: await measureIdleTeams(task.count) };
  }
}

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    } else process.send(message, undefined, {}, () => resolve());
  });

try {
  const task = JSON.parse(process.argv[2] ?? "") as Task;
  await send({ ok: true, result: await perform(task) });
  process.exit(0);
} catch (error) {
  await send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
