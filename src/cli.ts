#!/usr/bin/env node
// The `baton` bin: wires the process (argv, streams, SIGINT) to the CLI's main().
import { main } from "./cli/main.js";

const controller = new AbortController();
process.once("SIGINT", () => controller.abort());
process.once("SIGTERM", () => controller.abort()); // a worker finishes its runs and stops
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
});
process.exitCode = code;
