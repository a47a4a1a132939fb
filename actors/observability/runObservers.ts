/**
 * The Runner's observers: OpenTelemetry spans of every run (through `@opentelemetry/api`: no-ops
 * until an SDK is registered) and the trace files of runs and teams that ask for one (`trace`).
 *
 * Costs nothing when nothing observes: XState inspection is subscribed only while a trace file
 * is open or a run's span records, and a run whose span does not record costs one map lookup per
 * event. Message content goes into spans only for the teams whose trace asks for it.
 */
import type { InspectionEvent, Subscription } from "xstate";
import type { RunEvent } from "../../src/events.js";
import { actorInfo } from "../../src/observability/actors.js";
import type { TraceContext } from "../../src/observability/traceContext.js";
import type { CheckedTrace } from "../../src/options/checkRun.js";
import { createOtelObserver, type OtelObserver, type ToolCallRef } from "./otel.js";
import { createTraceRecorder, type TraceRecorder } from "./traceFile.js";

type Inspector = (event: InspectionEvent) => void;

/** What XState's actor system offers for inspection added after it started. */
export interface InspectableSystem {
  inspect(observer: Inspector): Subscription;
}

/** One run's or team's trace: feed it the team's events; close() writes the file and stops observing. */
export interface TraceTap {
  onEvent(event: RunEvent): void;
  close(): Promise<void>;
}

/** What a trace needs of a team's session. */
export interface TracedSession {
  readonly id: string;
  subscribe(listener: (event: RunEvent) => void): () => void;
  onStop(fn: () => Promise<void>): void;
  stop(): Promise<void>;
}

const isLast = (event: RunEvent) => event.type === "run.finished" || event.type === "run.failed" || event.type === "run.interrupted";

export class RunObservers {
  readonly #plain: OtelObserver = createOtelObserver();
  readonly #content: OtelObserver = createOtelObserver({ captureContent: true });
  /** Teams whose spans carry message content, with how many traces ask for it. */
  readonly #contentTeams = new Map<string, number>();
  /** Runs whose spans record: their observer's inspection stays on until they end. */
  readonly #recording = new Map<string, Inspector>();
  readonly #inspectors = new Map<Inspector, number>();
  #system: InspectableSystem | undefined;
  #subscription: Subscription | undefined;

  /** Every event of every team of the Runner goes through here (the OTel spans). */
  readonly onEvent = (event: RunEvent): void => {
    const observer = this.#contentTeams.has(event.teamId) ? this.#content : this.#plain;
    observer.onEvent(event);
    if (event.type === "run.started" && observer.recording(event.runId)) {
      this.#recording.set(event.runId, observer.onInspect);
      this.#add(observer.onInspect);
    } else if (isLast(event)) {
      const inspector = this.#recording.get(event.runId);
      if (inspector) {
        this.#recording.delete(event.runId);
        this.#remove(inspector);
      }
    }
  };

  /** The actor system, once the Runner has started it. */
  attach(system: InspectableSystem): void {
    this.#system = system;
    this.#resubscribe();
  }

  /**
   * Starts a trace for the team `teamId` (a run, or a long-lived team): its trace file, and
   * message content in its spans. Throws INVALID_OPTIONS when the file cannot be written.
   */
  open(teamId: string, trace: CheckedTrace): TraceTap {
    const recorder: TraceRecorder | undefined = trace.file === undefined ? undefined : createTraceRecorder(trace.file);
    const inspector: Inspector | undefined = recorder ? (event) => recordIfOurs(recorder, teamId, event) : undefined;
    if (inspector) this.#add(inspector);
    if (trace.captureContent) {
      this.#contentTeams.set(teamId, (this.#contentTeams.get(teamId) ?? 0) + 1);
      // From the start: the first model call's request may be sent before run.started is heard.
      this.#add(this.#content.onInspect);
    }
    let closed: Promise<void> | undefined;
    return {
      onEvent: (event) => recorder?.onEvent(event),
      close: () => {
        closed ??= (async () => {
          if (inspector) this.#remove(inspector);
          if (trace.captureContent) {
            this.#remove(this.#content.onInspect);
            const left = (this.#contentTeams.get(teamId) ?? 1) - 1;
            if (left > 0) this.#contentTeams.set(teamId, left);
            else this.#contentTeams.delete(teamId);
          }
          await recorder?.close();
        })();
        return closed;
      },
    };
  }

  /** A long-lived team's trace, until the team stops. A file that cannot be opened stops the team and throws. */
  traceTeam(session: TracedSession, trace: CheckedTrace): void {
    let tap: TraceTap;
    try {
      tap = this.open(session.id, trace);
    } catch (error) {
      void session.stop();
      throw error;
    }
    const unsubscribe = session.subscribe(tap.onEvent);
    session.onStop(() => {
      unsubscribe();
      return tap.close();
    });
  }

  /** One run's trace on `session`: call what it returns when the run has ended (it writes the file). */
  traceRun(session: TracedSession, trace: CheckedTrace): () => Promise<void> {
    const tap = this.open(session.id, trace);
    const unsubscribe = session.subscribe(tap.onEvent);
    return () => {
      unsubscribe();
      return tap.close();
    };
  }

  /**
   * W3C trace context of a tool call's span, for its MCP request. A run whose spans do not record
   * still passes on the context it started in (a caller's incoming traceparent).
   */
  traceContextFor(call: ToolCallRef): TraceContext | undefined {
    return this.#content.traceContextFor(call) ?? this.#plain.traceContextFor(call);
  }

  /** Ends the spans of runs cut short (runner.close()). */
  close(): void {
    this.#plain.close();
    this.#content.close();
    this.#recording.clear();
    this.#inspectors.clear();
    this.#resubscribe();
  }

  #add(inspector: Inspector): void {
    this.#inspectors.set(inspector, (this.#inspectors.get(inspector) ?? 0) + 1);
    if (this.#inspectors.get(inspector) === 1) this.#resubscribe();
  }

  #remove(inspector: Inspector): void {
    const left = (this.#inspectors.get(inspector) ?? 1) - 1;
    if (left > 0) {
      this.#inspectors.set(inspector, left);
      return;
    }
    this.#inspectors.delete(inspector);
    this.#resubscribe();
  }

  /** One subscription to the system's inspection while anything listens; none otherwise. */
  #resubscribe(): void {
    const wanted = this.#system !== undefined && this.#inspectors.size > 0;
    if (wanted && !this.#subscription) {
      this.#subscription = this.#system!.inspect((event) => {
        for (const inspector of this.#inspectors.keys()) inspector(event);
      });
    } else if (!wanted && this.#subscription) {
      this.#subscription.unsubscribe();
      this.#subscription = undefined;
    }
  }
}

/** A team's trace file records the messages its actors send and receive (services' included), and spawns. */
function recordIfOurs(recorder: TraceRecorder, teamId: string, event: InspectionEvent): void {
  if (event.type === "@xstate.actor") {
    recorder.onInspect(event);
    return;
  }
  if (event.type !== "@xstate.event") return;
  // A request to a shared service (provider, MCP server) names its team's actor in replyTo.
  const replyTo = (event.event as { replyTo?: unknown }).replyTo;
  const ids = [systemIdOf(event.actorRef), systemIdOf(event.sourceRef), typeof replyTo === "string" ? replyTo : undefined];
  if (ids.some((id) => id !== undefined && actorInfo(id).team === teamId)) recorder.onInspect(event);
}

function systemIdOf(ref: unknown): string | undefined {
  const id = (ref as { systemId?: unknown } | undefined)?.systemId;
  return typeof id === "string" ? id : undefined;
}
