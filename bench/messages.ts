/**
 * Actor messages per 3-call run of the scenario on baton, counted with the Runner's `inspect`
 * option (XState's inspection API). The counting rule:
 *
 * - A message is an `@xstate.event` inspection event: one event delivered to one actor's mailbox.
 * - XState's own events (`xstate.init`, `xstate.done.actor.*`, `xstate.error.actor.*`,
 *   `xstate.stop`, … — every type starting with `xstate.`) are not counted: baton does not send them.
 * - The window is one `runner.run` on a Runner that has already run the scenario once (its shared
 *   actors — provider services, tool executor — are up, as in steady use), from the call until
 *   the run resolved and the actors went quiet. The first run on a new Runner is counted too,
 *   for information.
 * - **actor → actor** (the figure and its target, ≤ 15): events whose `sourceRef` and `actorRef`
 *   are both actors — sent with `sendTo`/`sendParent`/`sendBack`, which XState attributes.
 * - **no source**: events sent with `actorRef.send(…)` outside an action's attribution — from the
 *   public API (`RUN`) or from effect code that replies by systemId (the provider service's
 *   `CALL.DONE`, the tool executor's `TOOL.RESULT`, an agent action calling `service.send`).
 *   XState records no source for these, so they are listed separately; `total` counts both and is
 *   the count issue 12 quotes (23 before its rewrite).
 */
import type { InspectionEvent } from "xstate";
import { EXPECTED_ANSWER } from "./scenario.js";
import { createBaton } from "./scenarios/baton.js";
import type { Endpoints } from "./scenarios/types.js";

export interface MessageCount {
  /** Both source and target are actors: the figure. */
  actorToActor: number;
  /** Sent without an attributed source (public API, or effect code replying by systemId). */
  withoutSource: number;
  total: number;
  /** `source → target TYPE` in delivery order, team ids left out (`-` is no source). */
  sequence: string[];
}

export interface MessageFigures {
  firstRun: MessageCount;
  repeatRun: MessageCount;
  correct: boolean;
  errors: string[];
}

type EventInspection = Extract<InspectionEvent, { type: "@xstate.event" }>;

/** A short, stable name for an actor: its systemId without the team id, else its id. */
function actorName(ref: unknown): string {
  if (!ref) return "-";
  const { systemId, id } = ref as { systemId?: string; id?: string };
  return shorten(systemId ?? id ?? "?");
}

function shorten(id: string): string {
  return id
    .replace(/^(team|tools|events):[^:]+$/, "$1")
    .replace(/^(agent|model):[^:]+:/, "$1:")
    .replace(/^shard-\d+$/, "shard");
}

/** Counts one window's inspection events by the rule above. */
export function countMessages(events: readonly InspectionEvent[]): MessageCount {
  const messages = events.filter((e): e is EventInspection => e.type === "@xstate.event" && !e.event.type.startsWith("xstate."));
  const attributed = messages.filter((e) => e.sourceRef !== undefined && e.actorRef !== undefined);
  return {
    actorToActor: attributed.length,
    withoutSource: messages.length - attributed.length,
    total: messages.length,
    sequence: messages.map((e) => `${actorName(e.sourceRef)} → ${actorName(e.actorRef)} ${e.event.type}`),
  };
}

/** Lets messages that follow the run's answer (agents going idle, the team being released) arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

export async function measureMessages(endpoints: Endpoints): Promise<MessageFigures> {
  let window: InspectionEvent[] = [];
  const impl = await createBaton(endpoints, { inspect: (event) => window.push(event) });
  const errors: string[] = [];
  const countRun = async (label: string): Promise<MessageCount> => {
    window = [];
    const answer = await impl.runOnce();
    await settle();
    if (answer !== EXPECTED_ANSWER) errors.push(`${label}: unexpected answer ${JSON.stringify(answer.slice(0, 120))}`);
    return countMessages(window);
  };
  try {
    const firstRun = await countRun("first run");
    const repeatRun = await countRun("repeated run");
    return { firstRun, repeatRun, correct: errors.length === 0, errors };
  } finally {
    await impl.close();
  }
}
