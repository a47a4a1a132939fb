import type { TeamSession } from "../actors/team/session.js";
import { BatonError } from "./errors.js";
import type { RunEvent, RunEventListeners, RunEventMap } from "./events.js";
import { checkRunInput } from "./options/checkRun.js";
import type { ResumeDecisions, TeamRunOptions } from "./options/types.js";
import type { RunResult } from "./result.js";
import type { TeamSnapshot } from "./team/snapshot.js";
import type { Content } from "./transcript/index.js";

/** The session behind each Team, out of the public class's reach. */
const sessions = new WeakMap<object, TeamSession>();

/** @internal For the Runner: a Team over a session it made. */
export function teamOver(session: TeamSession): Team {
  const team = Object.create(Team.prototype) as Team;
  Object.defineProperty(team, "id", { value: session.id, enumerable: true });
  Object.defineProperty(team, "agents", { value: session.checked.agents.map((a) => a.name), enumerable: true });
  Object.defineProperty(team, "models", { value: [...new Set(session.checked.agents.map((a) => a.model.id))], enumerable: true });
  sessions.set(team, session);
  return team;
}

function sessionOf(team: object): TeamSession {
  const session = sessions.get(team);
  if (!session) throw new TypeError("Create teams with runner.team(options).");
  return session;
}

/**
 * A long-lived team: its supervisor and agents stay alive across `run()` calls, so the
 * conversation continues. Runs are queued one after another. Emits the events of every run.
 * Create one with `runner.team(options)`.
 */
export class Team<TOutput = string> {
  /** The team's id (part of its actors' systemIds). */
  declare readonly id: string;
  /** The agents' names (model ids in the model-list shorthand), in order. */
  declare readonly agents: readonly string[];
  /** The distinct models of the team. */
  declare readonly models: readonly string[];

  private constructor() {}

  on<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): this {
    sessionOf(this).on(name, listener);
    return this;
  }

  once<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): this {
    sessionOf(this).once(name, listener);
    return this;
  }

  off<K extends keyof RunEventMap>(name: K, listener?: RunEventListeners[K]): this {
    sessionOf(this).off(name, listener);
    return this;
  }

  /** Every event of every run, in order. Returns a function that unsubscribes. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    return sessionOf(this).subscribe(listener);
  }

  /** Runs one task; the conversation continues from the team's earlier runs. */
  run(input: Content, options?: TeamRunOptions): Promise<RunResult<TOutput>> {
    try {
      const checked = checkRunInput(options, "team.run options", { value: input });
      if (checked.trace) {
        throw new BatonError("INVALID_OPTIONS", 'A team\'s trace is set when it starts: runner.team({ …, trace: "team.jsonl" }).');
      }
      return sessionOf(this).run(checked, false) as Promise<RunResult<TOutput>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Continues the team's last run that ended `interrupted`, with a person's decisions: the
   * approved calls run, the rejected ones answer with the refusal, and the run goes on.
   */
  resume(decisions: ResumeDecisions = {}): Promise<RunResult<TOutput>> {
    return sessionOf(this).resumeInterrupted(decisions) as Promise<RunResult<TOutput>>;
  }

  /** Versioned JSON of the conversation so far: transcript, active agent, counters, usage. */
  snapshot(): TeamSnapshot {
    return sessionOf(this).snapshot();
  }

  /** Cancels a run in flight (it rejects with CANCELLED) and stops the team's actors. */
  stop(): Promise<void> {
    return sessionOf(this).stop();
  }
}
