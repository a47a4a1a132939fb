/**
 * An event-driven backend: a node:http server that runs a team per request and streams its
 * events to the browser as Server-Sent Events. Open http://127.0.0.1:8787/?q=your+question
 * in a browser, or: curl -N "http://127.0.0.1:8787/run?q=hello"
 *
 *   npx tsx examples/backend.ts
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { contentText, Runner, type RunnerOptions } from "../src/index.js";

const PAGE = `<!doctype html><meta charset="utf-8"><title>baton</title>
<form><input name="q" size="60" placeholder="Ask the team"><button>Run</button></form><pre id="log"></pre>
<script>
const q = new URLSearchParams(location.search).get("q");
if (q) {
  const log = document.getElementById("log");
  const source = new EventSource("/run?q=" + encodeURIComponent(q));
  source.addEventListener("text.delta", (e) => { log.textContent += JSON.parse(e.data).text; });
  source.addEventListener("handoff", (e) => { const d = JSON.parse(e.data); log.textContent += "\\n[" + d.from + " → " + d.to + "]\\n"; });
  source.addEventListener("run.finished", () => source.close());
  source.addEventListener("run.failed", (e) => { log.textContent += "\\n[failed] " + JSON.parse(e.data).error.message; source.close(); });
}
</script>`;

export interface BackendOptions {
  port?: number;
  models?: string[];
  runner?: RunnerOptions;
}

/** Starts the server; resolves with it and its URL. Close it with `server.close()` and `runner.close()`. */
export async function startBackend(options: BackendOptions = {}): Promise<{ server: Server; url: string; runner: Runner }> {
  const runner = new Runner(
    options.runner ?? {
      providers: {
        sim: {
          scripts: {
            researcher: (req) => ({
              text: "Let me pass this to the writer. ",
              handoff: { to: "sim/writer", task: contentText(req.messages.at(-1)?.content ?? "") },
            }),
            writer: (req) => ({
              text: `Here is an answer about "${req.messages.find((m) => m.role === "user")?.content}".`,
              latencyMs: 50,
            }),
          },
        },
      },
    },
  );
  const models = options.models ?? ["sim/researcher", "sim/writer"];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
      return;
    }
    if (url.pathname !== "/run") {
      res.writeHead(404).end();
      return;
    }
    const input = url.searchParams.get("q");
    if (!input) {
      res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: "pass the question as ?q=" }));
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    // The browser going away cancels the team's work.
    const controller = new AbortController();
    res.on("close", () => controller.abort());
    const stream = runner.stream({ input, model: models, signal: controller.signal });
    try {
      for await (const event of stream) {
        const { type, ...data } = event;
        res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
      }
    } catch {
      // run.failed was already sent as an event; nothing more to say.
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 8787, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, runner };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startBackend();
  console.log(`baton backend on ${url}/?q=hello`);
}
