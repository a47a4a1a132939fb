/**
 * No orphaned MCP server processes when the host process is interrupted: while stdio servers
 * run, SIGINT/SIGTERM handlers stop them and then let the signal take its default course
 * (re-raised when no other handler is left). Handlers are added when the first server starts
 * and removed on dispose(). One guard per pool; nothing happens at import time.
 */

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
type GuardSignal = (typeof SIGNALS)[number];

export class ProcessGuard {
  private readonly pids = new Set<number>();
  private handlers: Map<GuardSignal, () => void> | undefined;

  /** Records a running server process and installs the signal handlers if needed. */
  add(pid: number): void {
    this.pids.add(pid);
    if (!this.handlers) this.install();
  }

  delete(pid: number): void {
    this.pids.delete(pid);
  }

  /** Removes the handlers (the pool is closed and its processes are gone). */
  dispose(): void {
    if (!this.handlers) return;
    for (const [signal, handler] of this.handlers) process.removeListener(signal, handler);
    this.handlers = undefined;
  }

  /** Sends SIGTERM to every recorded process (synchronously: the host is about to exit). */
  killAll(): void {
    for (const pid of this.pids) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    this.pids.clear();
  }

  private install(): void {
    const handlers = new Map<GuardSignal, () => void>();
    for (const signal of SIGNALS) {
      const handler = () => {
        this.killAll();
        this.dispose();
        // Other handlers (the host's own) decide what happens next; alone, restore the default.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      };
      handlers.set(signal, handler);
      process.on(signal, handler);
    }
    this.handlers = handlers;
  }
}
