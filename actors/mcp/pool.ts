/**
 * The Runner's MCP servers: one shared service actor (`mcp:<name>`) per server for the Runner's
 * lifetime. ensure() resolves specs, starts what is not running, waits until ready and returns the
 * tools as catalog entries; close() stops every service and server process.
 */

import type { AnyActorLogic, AnyActorRef } from "xstate";
import { address } from "../../machines/addresses.js";
import type { McpFailure, McpServiceInput } from "../../machines/mcp/protocol.js";
import { mcpServiceMachine, mcpServiceStatus } from "../../machines/mcp/service.js";
import { BatonError } from "../../src/errors.js";
import { approvalKey } from "../../src/mcp/approval.js";
import { authKey } from "../../src/mcp/auth/config.js";
import { authFix, authRequiredText, loginCommand } from "../../src/mcp/auth/problem.js";
import type { McpTokenStore } from "../../src/mcp/auth/store.js";
import { elicitationOf, type McpOptions, type McpSettings, resolveMcpSettings } from "../../src/mcp/options.js";
import { lookupRegistry, type McpRegistry, type RegistrySource, resolveRegistryEntry, unknownServerError } from "../../src/mcp/registry.js";
import type { SampleFn } from "../../src/mcp/sampling.js";
import { startFailureText } from "../../src/mcp/serviceMessages.js";
import { isUrlSpec, looksLikeRegistryName, type McpServerSpec, type ResolvedServer, resolveDirectSpec } from "../../src/mcp/spec.js";
import { buildToolEntries, type McpToolInfo } from "../../src/mcp/toolNames.js";
import type { TraceContext } from "../../src/observability/traceContext.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import { openAuthSession } from "./auth/session.js";
import { fileTokenStore } from "./auth/tokenStore.js";
import type { ConnectionHooks, ToolCallTrace } from "./client.js";
import { type ConnectionDeps, mcpConnection } from "./connection.js";
import { ProcessGuard } from "./processGuard.js";
import { loadRegistry } from "./registryFile.js";
import { mcpReplies } from "./replies.js";

export type {
  ElicitationFn,
  ElicitationHandler,
  ElicitationRequest,
  ElicitationResponse,
  McpOptions,
  McpRoot,
} from "../../src/mcp/options.js";
export type { McpServerSpec } from "../../src/mcp/spec.js";

export interface McpPoolInit extends McpOptions {
  /** Path to mcp.json or the object; when undefined, ./mcp.json in process.cwd() if it exists. */
  registry?: RegistrySource;
  /** Spawns a child of the Runner's root actor with that systemId. */
  spawn: (logic: AnyActorLogic, systemId: string, input: unknown) => AnyActorRef;
  stopChild: (systemId: string) => void;
  /** Answers MCP sampling requests with one of the Runner's models. */
  sample: SampleFn;
  /** Environment for `${VAR}` in mcp.json (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** W3C trace context of a tool call's span, sent with the MCP request (`params._meta`, HTTP headers). */
  traceContext?: (call: ToolCallTrace) => TraceContext | undefined;
}

interface PoolEntry {
  name: string;
  systemId: string;
  server: ResolvedServer;
  ref: AnyActorRef;
}

interface ServiceSnapshot {
  status: string;
  matches: (state: "connecting" | "ready" | "reconnecting" | "failed" | "stopped") => boolean;
  context: { tools: McpToolInfo[]; lastError?: McpFailure; pid?: number; transport?: string };
}

export class McpPool {
  private readonly settings: McpSettings;
  private readonly guard = new ProcessGuard();
  private readonly entries = new Map<string, PoolEntry>();
  private readonly byIdentity = new Map<string, string>();
  private readonly closing = new Set<Promise<void>>();
  private readonly hooks: ConnectionHooks;
  private readonly tokenStore: McpTokenStore;
  /** Identities of user functions and providers, for server identities. */
  private readonly objectIds = new WeakMap<object, number>();
  private nextObjectId = 0;
  private registry: Promise<McpRegistry> | undefined;
  private closed: Promise<void> | undefined;
  private disposed = false;

  constructor(private readonly init: McpPoolInit) {
    this.settings = resolveMcpSettings(init);
    const elicitation = elicitationOf(init.elicitation);
    this.tokenStore = init.tokenStore ?? fileTokenStore();
    this.hooks = {
      sample: init.sample,
      ...(init.traceContext ? { traceContext: init.traceContext } : {}),
      ...(init.sampling?.model ? { samplingModel: init.sampling.model } : {}),
      ...(elicitation.handler ? { elicitation: elicitation.handler } : {}),
      ...(elicitation.applyDefaults ? { elicitationDefaults: true } : {}),
      ...(init.roots ? { roots: init.roots.map((r) => ({ ...r })) } : {}),
      processStarted: (pid) => {
        if (!this.disposed) this.guard.add(pid);
      },
      processEnded: (pid) => this.guard.delete(pid),
      track: (promise) => {
        const tracked: Promise<void> = promise.catch(() => undefined).finally(() => this.closing.delete(tracked));
        this.closing.add(tracked);
      },
    };
  }

  /**
   * Resolves specs, starts a service actor for each server not yet running (the same spec twice
   * reuses the connection), waits until all are ready and returns their tools. Names are prefixed
   * `<server>__` only where two servers of this list clash.
   */
  async ensure(specs: readonly McpServerSpec[], options: { signal?: AbortSignal } = {}): Promise<ToolEntry[]> {
    this.assertOpen();
    const resolved: ResolvedServer[] = [];
    for (const spec of specs) resolved.push(await this.resolve(spec));
    this.assertOpen();
    if (options.signal?.aborted) throw cancelled();
    const names: string[] = [];
    for (const server of resolved) {
      const name = this.start(server);
      if (!names.includes(name)) names.push(name);
    }
    const outcomes = await Promise.allSettled(names.map((name) => this.whenReady(name, options.signal)));
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => o.reason as unknown);
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
      const messages = failures.map((f) => (f instanceof Error ? f.message : String(f)));
      const auth = failures.every((f) => f instanceof BatonError && f.code === "MCP_AUTH_REQUIRED");
      throw new BatonError(
        auth ? "MCP_AUTH_REQUIRED" : "MCP_ERROR",
        `${failures.length} MCP servers failed to start:\n${messages.join("\n")}`,
        {
          details: { failures: failures.map((f) => (f instanceof BatonError ? f.toJSON() : String(f))) },
        },
      );
    }
    return buildToolEntries(
      names.map((name) => ({ server: name, service: this.entry(name).systemId, tools: this.snapshot(name).context.tools })),
    );
  }

  /** Current state per server: "connecting" | "ready" | "reconnecting" | "failed" | "stopped". */
  status(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, entry] of this.entries) out[name] = mcpServiceStatus(entry.ref.getSnapshot() as ServiceSnapshot);
    return out;
  }

  /** Stops every service actor and server process; idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      for (const entry of this.entries.values()) {
        if ((entry.ref.getSnapshot() as ServiceSnapshot).status === "active") entry.ref.send({ type: "SHUTDOWN" });
        this.init.stopChild(entry.systemId);
      }
      while (this.closing.size > 0) await Promise.all([...this.closing]);
      this.disposed = true;
      this.guard.dispose();
    })();
    return this.closed;
  }

  private assertOpen(): void {
    if (this.closed) throw new BatonError("CLOSED", "The MCP pool is closed (runner.close() was called)");
  }

  private async resolve(spec: McpServerSpec): Promise<ResolvedServer> {
    if (typeof spec === "string") {
      const trimmed = spec.trim();
      if (!isUrlSpec(trimmed) && looksLikeRegistryName(trimmed)) {
        this.registry ??= loadRegistry(this.init.registry);
        const registry = await this.registry.catch((error: unknown) => {
          this.registry = undefined; // a fixed file is read again next time
          throw error;
        });
        const found = lookupRegistry(registry, trimmed);
        if (!found) throw unknownServerError(registry, trimmed);
        return resolveRegistryEntry(registry, found.key, found.entry, this.init.env ?? process.env);
      }
    }
    return resolveDirectSpec(spec);
  }

  private objectId(value: object): number {
    let id = this.objectIds.get(value);
    if (id === undefined) {
      id = this.nextObjectId++;
      this.objectIds.set(value, id);
    }
    return id;
  }

  /** Specs that reach one server the same way, with the same approval rule and authorization, share a service. */
  private identityOf(server: ResolvedServer): string {
    const approval = server.approve ? `fn:${this.objectId(server.approve)}` : approvalKey(server.approval);
    const auth = server.connect.kind === "http" ? authKey(server.connect.auth, (p) => this.objectId(p)) : "";
    return JSON.stringify([server.identity, approval, auth]);
  }

  /** Returns the name of the running service for this server, spawning it if needed. */
  private start(server: ResolvedServer): string {
    const identity = this.identityOf(server);
    const existing = this.byIdentity.get(identity);
    if (existing !== undefined) {
      const entry = this.entry(existing);
      const snapshot = entry.ref.getSnapshot() as ServiceSnapshot;
      if (snapshot.status === "active" && snapshot.matches("failed")) entry.ref.send({ type: "RETRY" });
      if (snapshot.status === "active") return existing;
      this.entries.delete(existing); // stopped from outside: start it again under the same name
    }
    let name = server.name;
    for (let n = 2; this.entries.has(name); n++) name = `${server.name}_${n}`;
    const systemId = address.mcp(name);
    const connect = server.connect;
    const deps: ConnectionDeps = {
      server: name,
      fix: authFix(connect.kind === "http" ? connect.auth : { kind: "none" }, server.ref),
      connect,
      hooks: this.hooks,
      ...(server.approve ? { approve: server.approve } : {}),
    };
    if (connect.kind === "http") {
      const open = this.init.onAuthorizationUrl;
      deps.authorize = (onAuthorizing) =>
        openAuthSession(connect.auth, {
          server: name,
          url: connect.url,
          store: this.tokenStore,
          timeoutMs: this.settings.authorizationTimeoutMs,
          onAuthorizing,
          ...(open ? { open } : {}),
        });
    }
    const logic = mcpServiceMachine.provide({ actors: { connection: mcpConnection(deps), replies: mcpReplies } });
    const input: McpServiceInput = {
      name,
      mode: connect.kind === "stdio" ? "stdio" : connect.transport,
      settings: this.settings,
      approval: server.approval,
    };
    const ref = this.init.spawn(logic, systemId, input);
    this.entries.set(name, { name, systemId, server, ref });
    this.byIdentity.set(identity, name);
    return name;
  }

  private entry(name: string): PoolEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new BatonError("INTERNAL", `No MCP service named ${name}`);
    return entry;
  }

  private snapshot(name: string): ServiceSnapshot {
    return this.entry(name).ref.getSnapshot() as ServiceSnapshot;
  }

  private startError(entry: PoolEntry, error: McpFailure | undefined): BatonError {
    const { name, server } = entry;
    if (error?.auth) {
      const fix = authFix(server.connect.kind === "http" ? server.connect.auth : { kind: "none" }, server.ref);
      return new BatonError("MCP_AUTH_REQUIRED", authRequiredText(name, error.auth, fix), {
        details: {
          server: name,
          spec: server.label,
          reason: error.auth.reason,
          ...(error.auth.scope ? { scope: error.auth.scope } : {}),
          ...(fix.kind === "login" || fix.kind === "disabled" ? { fix: loginCommand(fix.ref) } : {}),
        },
      });
    }
    return new BatonError("MCP_ERROR", startFailureText(name, server.label, error), {
      details: { server: name, spec: server.label, ...(error?.stderr ? { stderr: error.stderr } : {}) },
    });
  }

  private whenReady(name: string, signal: AbortSignal | undefined): Promise<void> {
    const entry = this.entry(name);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let subscription: { unsubscribe(): void } | undefined;
      const finish = (error?: unknown) => {
        if (settled) return;
        settled = true;
        subscription?.unsubscribe();
        signal?.removeEventListener("abort", onAbort);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => finish(cancelled());
      const check = () => {
        const snapshot = entry.ref.getSnapshot() as ServiceSnapshot;
        const status = mcpServiceStatus(snapshot);
        if (status === "ready") finish();
        else if (status === "failed") finish(this.startError(entry, snapshot.context.lastError));
        else if (status === "stopped") finish(new BatonError("CLOSED", `MCP server "${name}" was stopped`));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      subscription = entry.ref.subscribe({ next: check, error: (error: unknown) => finish(error), complete: check });
      check();
    });
  }
}

function cancelled(): BatonError {
  return new BatonError("CANCELLED", "Starting the MCP servers was cancelled");
}
