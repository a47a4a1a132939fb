import type { Output } from "./render.js";

/** What a CLI command reads and writes: its streams, environment and abort signal. */
export interface CliIO {
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  /** Aborts the run (the bin wires SIGINT to it). */
  signal?: AbortSignal;
  /** Asks a person a question and returns the line they type; only on a terminal (stdin and stderr). */
  ask?: (question: string) => Promise<string>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, limit: 3, interrupted: 4, cancelled: 130 } as const;
