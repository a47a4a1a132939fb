import type { ActorSystem, AnyActorRef } from "xstate";

// biome-ignore lint/suspicious/noExplicitAny: XState's own AnyActorSystem is ActorSystem<any>, not exported.
export type AnySystem = ActorSystem<any>;

/**
 * The actor a message names by systemId, or undefined when it is gone (a stopped team's agent,
 * say): a reply to an actor that no longer exists is dropped, as XState drops mail to a stopped actor.
 */
export function actorAt(system: AnySystem, systemId: string): AnyActorRef | undefined {
  return system.get(systemId) as AnyActorRef | undefined;
}
