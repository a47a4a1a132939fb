import type { InspectionEvent } from "xstate";
import type { FaultPlan } from "../../src/sim/simulate/faults.js";

const CONNECTION = /^connection-\d+$/;

interface Ref {
  id: string;
  sessionId: string;
}

/**
 * Follows the MCP connections of a simulated Runner through its inspection events: which are
 * starting, which calls are out at a server, which server was killed and not yet seen to die.
 * That is real I/O, so simulated time waits while any of it is in flight (`busy`). Each call
 * out to a server is a decision point: the plan may kill the server's process (mcpCrash).
 */
export class McpWatch {
  readonly #plan: FaultPlan;
  readonly #abort: () => void;
  /** Connections (by actor session) started and not yet ready, failed or closed; or killed and not yet closed. */
  readonly #waiting = new Set<string>();
  readonly #pids = new Map<string, number>();
  /** Calls out at a server: callId → the connection's session. */
  readonly #calls = new Map<string, string>();
  /** Every server process seen, for the leak check. */
  readonly pids = new Set<number>();

  constructor(plan: FaultPlan, abort: () => void) {
    this.#plan = plan;
    this.#abort = abort;
  }

  get busy(): boolean {
    return this.#waiting.size > 0 || this.#calls.size > 0;
  }

  observe(event: InspectionEvent): void {
    if (event.type === "@xstate.actor") {
      const ref = event.actorRef as unknown as Ref;
      if (CONNECTION.test(ref.id)) this.#waiting.add(ref.sessionId);
      return;
    }
    if (event.type !== "@xstate.event") return;
    const message = event.event as { type: string; callId?: string; pid?: number };
    const source = event.sourceRef as unknown as Ref | undefined;
    const target = event.actorRef as unknown as Ref;
    if (source && CONNECTION.test(source.id)) {
      if (message.type === "CONN.READY") {
        this.#waiting.delete(source.sessionId);
        if (message.pid !== undefined) {
          this.#pids.set(source.sessionId, message.pid);
          this.pids.add(message.pid);
        }
      } else if (message.type === "CONN.FAILED" || message.type === "CONN.CLOSED") {
        this.#waiting.delete(source.sessionId);
        this.#pids.delete(source.sessionId);
        for (const [callId, session] of this.#calls) if (session === source.sessionId) this.#calls.delete(callId);
      } else if (message.type === "CONN.RESULT" && message.callId !== undefined) {
        this.#calls.delete(message.callId);
      }
      return;
    }
    if (CONNECTION.test(target.id) && message.type === "CALL" && message.callId !== undefined) {
      this.#calls.set(message.callId, target.sessionId);
      const decision = this.#plan.decide("mcp");
      if (decision.abort) this.#abort();
      const pid = this.#pids.get(target.sessionId);
      if (decision.fault === "mcpCrash" && pid !== undefined) {
        this.#waiting.add(target.sessionId); // until its CONN.CLOSED
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      }
    } else if (CONNECTION.test(target.id) && message.type === "CANCEL" && message.callId !== undefined) {
      this.#calls.delete(message.callId);
    }
  }

  /** Server processes still alive. */
  alive(): number[] {
    return [...this.pids].filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
  }
}
