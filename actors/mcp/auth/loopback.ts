/**
 * The loopback redirect of the authorization code flow (RFC 8252): a small HTTP server on
 * 127.0.0.1 that receives `/callback?code=…&state=…` from the person's browser. Only a request
 * with a state baton issued is accepted.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { escapeHtml } from "../../../src/mcp/auth/redirect.js";

export interface Loopback {
  /** `http://127.0.0.1:<port>/callback` */
  redirectUrl: string;
  /** Waits for the browser to come back with the code for `state` (or an error), at most `timeoutMs`. */
  waitForCode(state: string, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

interface Waiter {
  resolve(code: string): void;
  reject(error: Error): void;
}

function page(title: string, text: string): string {
  return `<!doctype html><meta charset="utf-8"><title>${escapeHtml(title)}</title><body style="font-family:sans-serif;margin:3em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body>`;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Listens on `port` (0: any free port). With `fallbackToAnyPort`, a busy port is not an error:
 * another one is taken (fine for dynamically registered clients, which register that one).
 */
export async function openLoopback(port: number, fallbackToAnyPort: boolean): Promise<Loopback> {
  const waiters = new Map<string, Waiter>();
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const state = url.searchParams.get("state") ?? "";
    const waiter = waiters.get(state);
    if (url.pathname !== "/callback" || !waiter) {
      response.writeHead(404, { "content-type": "text/html; charset=utf-8" });
      response.end(page("Not found", "This address only receives authorization redirects that baton asked for."));
      return;
    }
    waiters.delete(state);
    const code = url.searchParams.get("code");
    const error = url.searchParams.get("error");
    if (code) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(page("Authorized", "baton has the authorization. You can close this tab."));
      waiter.resolve(code);
    } else {
      const description = url.searchParams.get("error_description");
      response.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      response.end(page("Not authorized", description ?? error ?? "The authorization server sent no code."));
      waiter.reject(new Error(`the authorization server answered ${error ?? "without a code"}${description ? `: ${description}` : ""}`));
    }
  });
  let bound: number;
  try {
    bound = await listen(server, port);
  } catch (error) {
    if (!fallbackToAnyPort || (error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
    bound = await listen(server, 0);
  }
  return {
    redirectUrl: `http://127.0.0.1:${bound}/callback`,
    waitForCode: (state, timeoutMs) =>
      new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(state);
          reject(new Error(`nobody finished authorizing within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
        waiters.set(state, {
          resolve: (code) => {
            clearTimeout(timer);
            resolve(code);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const waiter of waiters.values()) waiter.reject(new Error("the authorization was abandoned"));
        waiters.clear();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
