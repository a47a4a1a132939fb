/**
 * The team protocol (DESIGN §2): messages between a team's supervisor, its agents and its event
 * channel. Plain, JSON-serialisable data; actors are named by systemId (machines/addresses.ts).
 */

/** provider service → team event channel: a piece of streamed text as it arrives. */
export interface TextDeltaMessage {
  type: "TEXT.DELTA";
  runId: string;
  agent: string;
  model: string;
  step: number;
  text: string;
}
