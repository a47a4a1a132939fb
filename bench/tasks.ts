/** The measurements a worker process can be asked for, and what each sends back. */
import type { Counts } from "./counts.js";
import type { Figures } from "./figures.js";
import type { LatencyFigures } from "./latency.js";
import type { McpFigures } from "./mcp.js";
import type { MessageFigures } from "./messages.js";
import type { TeamFigures, TranscriptFigures } from "./scale.js";
import type { Endpoints, ImplementationKey } from "./scenarios/types.js";

export type Task =
  | { kind: "scenario"; impl: ImplementationKey; endpoints: Endpoints; counts: Counts }
  | { kind: "latency"; impl: ImplementationKey; endpoints: Endpoints; counts: Counts }
  | { kind: "messages"; endpoints: Endpoints }
  | { kind: "transcript"; impl: ImplementationKey; endpoints: Endpoints; counts: Counts }
  | { kind: "mcp"; counts: Counts }
  | { kind: "teams"; count: number };

export type TaskResult =
  | { kind: "scenario"; impl: ImplementationKey; figures: Figures }
  | { kind: "latency"; impl: ImplementationKey; figures: LatencyFigures }
  | { kind: "messages"; figures: MessageFigures }
  | { kind: "transcript"; impl: ImplementationKey; figures: TranscriptFigures }
  | { kind: "mcp"; figures: McpFigures }
  | { kind: "teams"; figures: TeamFigures };

/** What a worker sends over IPC: its result or why it failed. */
export type WorkerMessage = { ok: true; result: TaskResult } | { ok: false; error: string };
