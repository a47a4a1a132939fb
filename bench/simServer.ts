/** Starts bench/simServerProcess.ts as a child process and reads the URLs it prints. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { Endpoints } from "./scenarios/types.js";

export interface SimServerProcess extends Endpoints {
  url: string;
  pid: number;
  close(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL("./simServerProcess.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Starts the server process; `latencyMs` delays every model call's answer (0: answer at once). */
export async function startSimServerProcess(options: { latencyMs?: number } = {}): Promise<SimServerProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", SCRIPT, "--latency", String(options.latencyMs ?? 0)], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const end = buffer.indexOf("\n");
      if (end < 0) return;
      child.stdout?.off("data", onData);
      resolve(buffer.slice(0, end));
    };
    child.stdout?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`The sim server process exited (code ${code}) before printing its URL.`)));
  });
  child.stdout?.resume();
  const urls = JSON.parse(line) as { url: string; openaiBaseURL: string; anthropicBaseURL: string };
  let closed: Promise<void> | undefined;
  return {
    ...urls,
    pid: child.pid ?? 0,
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        child.stdin?.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exited;
        clearTimeout(timer);
      })();
      return closed;
    },
  };
}
