/**
 * `baton mcp login|list|logout` end to end: the real bin in a child process logs in to the local
 * OAuth server (the test plays the person's browser with the URL the CLI prints), keeps the token
 * in the config directory (0600), `list` shows it, runs use it, `logout` forgets it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { fileTokenStore, Runner } from "../../src/index.js";
import { contentText, type SimRequest } from "../../src/sim/index.js";
import { type OAuthTestServer, startOAuthServer } from "./fixtures/oauthServer.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

function capture() {
  let text = "";
  return { output: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

async function cli(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await main(argv, { stdout: out.output, stderr: err.output, env });
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Runs `baton mcp login <target>` as a child process and plays the browser with the URL it prints. */
function loginInChild(
  target: string,
  env: Record<string, string>,
  extra: string[],
): Promise<{ code: number | null; stdout: string; stderr: string; url: string }> {
  // From the repository, so that `--import tsx` resolves; the registry is passed by path.
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "mcp", "login", target, ...extra], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanup.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  let url = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`login did not finish: ${stdout} ${stderr}`)), 30_000);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /open this URL in a browser:\n\n {2}(\S+)\n/.exec(stdout);
      if (match && !url) {
        url = match[1]!;
        fetch(url).then((r) => r.text(), reject);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, url });
    });
  });
}

describe("baton mcp", () => {
  it("logs in, lists, lets runs use the token, and logs out", async () => {
    const oauth: OAuthTestServer = await startOAuthServer();
    cleanup.push(() => oauth.close());
    const dir = mkdtempSync(path.join(tmpdir(), "baton-mcp-cli-"));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const config = path.join(dir, "config");
    writeFileSync(
      path.join(dir, "mcp.json"),
      JSON.stringify({ mcpServers: { "acme/secure": { url: oauth.mcpUrl }, tools: { command: "node", args: ["server.js"] } } }),
    );
    const env = { XDG_CONFIG_HOME: config, HOME: dir };
    const registry = ["--mcp-registry", path.join(dir, "mcp.json")];

    const before = await cli(["mcp", "list", ...registry], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(
      /^NAME\s+TRANSPORT\s+AUTHORIZATION\nacme\/secure\s+http \(auto\)\s+not authorized \(baton mcp login\)\ntools\s+stdio\s+-\n$/,
    );

    const login = await loginInChild("acme/secure", env, registry);
    expect(login.stderr).toBe("");
    expect(login.code).toBe(0);
    expect(new URL(login.url).origin).toBe(oauth.url);
    expect(login.stdout).toContain(`Authorized secure (${oauth.mcpUrl}): scope "mcp:read", 2 tools; runs renew the token by themselves.`);
    const file = path.join(config, "baton", "mcp-auth.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);

    const listed = await cli(["mcp", "list", ...registry], env);
    expect(listed.stdout).toMatch(/acme\/secure\s+http \(auto\)\s+authorized, scope "mcp:read", refreshable\n/);

    const runner = new Runner({
      mcpRegistry: path.join(dir, "mcp.json"),
      mcp: { tokenStore: fileTokenStore(file) },
      providers: {
        sim: {
          scripts: {
            a: (request: SimRequest) => {
              const last = request.messages.at(-1);
              return last?.role === "tool" ? { text: contentText(last.content) } : { toolCalls: [{ name: "whoami" }] };
            },
          },
        },
      },
    });
    cleanup.push(() => runner.close());
    expect((await runner.run({ input: "go", model: "sim/a", mcpServers: ["secure"] })).finalOutput).toMatch(
      /^client dyn-\S+ with scope mcp:read$/,
    );

    const logout = await cli(["mcp", "logout", "secure", ...registry], env);
    expect(logout).toMatchObject({ code: 0, stdout: `Logged out of secure (${oauth.mcpUrl}).\n` });
    expect((await cli(["mcp", "list", ...registry], env)).stdout).toContain("not authorized (baton mcp login)");
    expect(await cli(["mcp", "logout", "secure", ...registry], env)).toMatchObject({
      code: 0,
      stdout: `Nothing was stored for secure (${oauth.mcpUrl}).\n`,
    });
  });

  it("says what is wrong with a bad command or a server that takes no login", async () => {
    const env = { XDG_CONFIG_HOME: "/nonexistent-baton-test" };
    expect(await cli(["mcp", "fly"], env)).toMatchObject({
      code: 2,
      stderr: 'baton mcp: unknown command "fly": use login, logout or list.\n',
    });
    expect(await cli(["mcp", "login"], env)).toMatchObject({
      code: 2,
      stderr: "baton mcp login: give one server, a name in mcp.json or a URL.\n",
    });
    const stdio = await cli(["mcp", "login", "nope-not-registered"], env);
    expect(stdio.code).toBe(1);
    expect(stdio.stderr).toContain('baton mcp: MCP_ERROR: Unknown MCP server "nope-not-registered"');
    expect((await cli(["mcp", "--help"], env)).stdout).toContain("baton mcp login <server>");
  });
});
