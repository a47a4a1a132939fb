import type { RunResult } from "../result.js";

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Status lines on stderr, with a spinner while a model thinks (TTY only). */
export class StatusLine {
  readonly #err: Output;
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;

  constructor(err: Output) {
    this.#err = err;
  }

  thinking(label: string): void {
    if (!this.#err.isTTY) return;
    this.stopSpinner();
    this.#timer = setInterval(() => {
      this.#err.write(`\r${FRAMES[this.#frame++ % FRAMES.length]} ${label}`);
    }, 80);
    this.#timer.unref();
  }

  stopSpinner(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#err.write("\r\u001b[2K");
  }

  line(text: string): void {
    this.stopSpinner();
    this.#err.write(`${text}\n`);
  }
}

/** The model-list shorthand: agents are named by their model ids. */
function sameNames(result: RunResult<unknown>): boolean {
  return result.agentsUsed.every((agent, i) => agent === result.modelsUsed[i]) && result.agentsUsed.length === result.modelsUsed.length;
}

export function summary(result: RunResult<unknown>): string {
  const tokens = Object.entries(result.usage.byModel)
    .map(([model, u]) => `${model} ${u.inputTokens} in / ${u.outputTokens} out`)
    .join(", ");
  const cost = result.usage.costUSD === undefined ? "" : ` · ~$${result.usage.costUSD.toFixed(4)}`;
  const reason = result.reason ? ` (${result.reason})` : "";
  return [
    `— ${result.status}${reason}`,
    sameNames(result)
      ? `models: ${result.modelsUsed.join(" → ") || "none"} · steps: ${result.stepsUsed} · handoffs: ${result.handoffs.length}`
      : `agents: ${result.agentsUsed.join(" → ") || "none"} (models: ${result.modelsUsed.join(", ") || "none"}) · steps: ${result.stepsUsed} · handoffs: ${result.handoffs.length}`,
    `tokens: ${tokens || "none"}${cost} · ${(result.durationMs / 1000).toFixed(2)} s`,
  ].join("\n");
}
