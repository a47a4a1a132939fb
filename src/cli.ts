#!/usr/bin/env node
// The `baton` bin: wires the process (argv, streams, SIGINT, a terminal's questions) to the CLI's main().
import { createInterface } from "node:readline/promises";
import { main } from "./cli/main.js";

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort()); // a worker finishes its runs and stops
// Questions (approvals) only when a person is there to answer them.
const terminal = process.stdin.isTTY === true && process.stderr.isTTY === true;
const ask = async (question: string): Promise<string> => {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const onAbort = () => rl.close();
  controller.signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await rl.question(question, { signal: controller.signal });
  } finally {
    controller.signal.removeEventListener("abort", onAbort);
    rl.close();
  }
};
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  ...(terminal ? { ask } : {}),
});
process.exitCode = code;
