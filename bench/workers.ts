/** Runs one task in a fresh `node --expose-gc --import tsx bench/worker.ts` process. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Task, TaskResult, WorkerMessage } from "./tasks.js";

const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

export function runTask(task: Task, timeoutMs = 15 * 60_000): Promise<TaskResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", WORKER, JSON.stringify(task)], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      // Structured clone, not JSON: a figure that could not be measured is NaN and must stay NaN.
      serialization: "advanced",
    });
    let message: WorkerMessage | undefined;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("message", (m) => {
      message = m as WorkerMessage;
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (message?.ok) resolve(message.result);
      else
        reject(
          new Error(
            message && !message.ok ? message.error : `worker for ${task.kind} exited (code ${code}, signal ${signal}) without a result`,
          ),
        );
    });
  });
}
