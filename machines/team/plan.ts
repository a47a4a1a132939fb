import type { AnyActorRef, AnyEventObject } from "xstate";
import type { RunEvent } from "../../src/events.js";
import { type AnySystem, actorAt } from "../deliver.js";
import type { SupervisorContext } from "./context.js";

/**
 * What one supervisor action does, as data: the context patch, the public events to emit and
 * the messages to send (by systemId). The pure functions of this folder build plans; the
 * machine applies them. Plans are what the machine tests read.
 */
export interface Plan {
  assign?: Partial<SupervisorContext>;
  emit?: RunEvent[];
  send?: Array<{ to: string; event: AnyEventObject }>;
}

export function merge(...plans: Plan[]): Plan {
  const out: Required<Plan> = { assign: {}, emit: [], send: [] };
  for (const plan of plans) {
    if (plan.assign) Object.assign(out.assign, plan.assign);
    if (plan.emit) out.emit.push(...plan.emit);
    if (plan.send) out.send.push(...plan.send);
  }
  return out;
}

/** The context a plan leaves (for a plan built on another). */
export function after(context: SupervisorContext, plan: Plan): SupervisorContext {
  return plan.assign ? { ...context, ...plan.assign } : context;
}

/** The part of XState's action enqueuer a plan needs. */
export interface Enqueuer {
  assign(patch: Partial<SupervisorContext>): void;
  emit(event: RunEvent): void;
  sendTo(to: AnyActorRef, event: AnyEventObject): void;
}

export function applyPlan(enqueue: Enqueuer, system: AnySystem, plan: Plan): void {
  if (plan.assign) enqueue.assign(plan.assign);
  for (const event of plan.emit ?? []) enqueue.emit(event);
  for (const { to, event } of plan.send ?? []) {
    const ref = actorAt(system, to);
    if (ref) enqueue.sendTo(ref, event);
  }
}
