import type { AnyActorRef, AnyEventObject } from "xstate";
import type { RunEvent } from "../../src/events.js";
import type { CheckpointRecord } from "../../src/store/records.js";
import { type AnySystem, actorAt } from "../deliver.js";
import type { SupervisorContext } from "./context.js";

/**
 * What one supervisor action does, as data: the context patch, the public events to emit and
 * the messages to send (by systemId). The pure functions of this folder build plans; the
 * machine applies them. Plans are what the machine tests read.
 */
export interface Plan {
  assign?: Partial<SupervisorContext>;
  /** Records for the run's store, written before the plan's events go out. */
  checkpoint?: CheckpointRecord[];
  /** The agent to tell when the records are committed (STEP.COMMITTED), for a store that commits later. */
  ack?: string;
  emit?: RunEvent[];
  send?: Array<{ to: string; event: AnyEventObject }>;
}

/** What the supervisor emits besides the public events: records for the store (the session writes them). */
export interface CheckpointEvent {
  type: "checkpoint";
  runId: string;
  records: CheckpointRecord[];
  /** The agent waiting to hear that these records are committed (an async durable store). */
  ack?: string;
}

export type SupervisorEmitted = RunEvent | CheckpointEvent;

export function merge(...plans: Plan[]): Plan {
  const out: Required<Omit<Plan, "ack">> & Plan = { assign: {}, checkpoint: [], emit: [], send: [] };
  for (const plan of plans) {
    if (plan.assign) Object.assign(out.assign, plan.assign);
    if (plan.checkpoint) out.checkpoint.push(...plan.checkpoint);
    if (plan.ack) out.ack = plan.ack;
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
  emit(event: SupervisorEmitted): void;
  sendTo(to: AnyActorRef, event: AnyEventObject): void;
}

export function applyPlan(enqueue: Enqueuer, system: AnySystem, plan: Plan, runId?: string): void {
  if (plan.assign) enqueue.assign(plan.assign);
  if (plan.checkpoint?.length && runId) {
    const event: CheckpointEvent = { type: "checkpoint", runId, records: plan.checkpoint };
    if (plan.ack) event.ack = plan.ack;
    enqueue.emit(event);
  }
  for (const event of plan.emit ?? []) enqueue.emit(event);
  for (const { to, event } of plan.send ?? []) {
    const ref = actorAt(system, to);
    if (ref) enqueue.sendTo(ref, event);
  }
}
