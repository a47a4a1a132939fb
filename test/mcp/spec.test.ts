import { describe, expect, it } from "vitest";
import { BatonError } from "../../src/errors.js";
import { formatCommandLine, parseCommandLine, splitCommandLine } from "../../src/mcp/commandLine.js";
import { looksLikeRegistryName, nameFromCommand, nameFromUrl, resolveDirectSpec } from "../../src/mcp/spec.js";

describe("command lines", () => {
  it("splits on whitespace and keeps quoted words together", () => {
    expect(splitCommandLine(`npx -y  @scope/pkg "two words" 'single $HOME' x\\ y`)).toEqual([
      "npx",
      "-y",
      "@scope/pkg",
      "two words",
      "single $HOME",
      "x y",
    ]);
  });

  it("handles escapes inside double quotes and empty quoted words", () => {
    expect(splitCommandLine(`node -e "console.log(\\"hi\\")" '' a"b"c`)).toEqual(["node", "-e", 'console.log("hi")', "", "abc"]);
  });

  it("rejects unterminated quotes with the line in the message", () => {
    expect(() => splitCommandLine(`node "oops`)).toThrow(/unterminated double quote: node "oops/);
    expect(() => splitCommandLine(`node 'oops`)).toThrow(BatonError);
  });

  it("turns leading NAME=value words into environment variables", () => {
    expect(parseCommandLine("API_KEY=abc DEBUG= uvx mcp-server-fetch --flag X=1")).toEqual({
      command: "uvx",
      args: ["mcp-server-fetch", "--flag", "X=1"],
      env: { API_KEY: "abc", DEBUG: "" },
    });
    expect(() => parseCommandLine("   ")).toThrow(/no command/);
  });

  it("formats words back so that splitting gives them again", () => {
    const words = ["node", "/a b/server.js", "it's", "", "plain"];
    const line = formatCommandLine(words[0]!, words.slice(1));
    expect(splitCommandLine(line)).toEqual(words);
  });
});

describe("server names", () => {
  it("derives a short name from the package or script", () => {
    expect(nameFromCommand("npx", ["-y", "@modelcontextprotocol/server-everything"])).toBe("everything");
    expect(nameFromCommand("node", ["/x/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js", "/tmp"])).toBe("filesystem");
    expect(nameFromCommand("uvx", ["mcp-server-fetch"])).toBe("fetch");
    expect(nameFromCommand("npx", ["-y", "tavily-mcp@latest"])).toBe("tavily");
    expect(nameFromCommand("docker", ["run", "-i", "--rm", "mcp/github:1.0"])).toBe("github");
    expect(nameFromCommand("python", ["./servers/weather_server.py"])).toBe("weather");
    expect(nameFromCommand("/usr/local/bin/my-tool", [])).toBe("my-tool");
    expect(nameFromCommand("node", ["-e", "console.log(1); process.exit(2)"])).toBe("node");
  });

  it("names HTTP servers by host, local ones by port", () => {
    expect(nameFromUrl("https://mcp.deepwiki.com/mcp")).toBe("deepwiki");
    expect(nameFromUrl("https://api.githubcopilot.com/mcp/")).toBe("githubcopilot");
    expect(nameFromUrl("http://127.0.0.1:3001/mcp")).toBe("local_3001");
    expect(nameFromUrl("http://localhost/sse")).toBe("local_80");
  });
});

describe("spec resolution", () => {
  it("treats http(s) strings as URLs and the rest as command lines", () => {
    const http = resolveDirectSpec("https://example.com/mcp");
    expect(http.connect).toEqual({ kind: "http", url: "https://example.com/mcp", transport: "auto", auth: { kind: "oauth" } });
    const stdio = resolveDirectSpec(`FOO=1 npx -y "@modelcontextprotocol/server-memory"`);
    expect(stdio.connect).toEqual({
      kind: "stdio",
      command: "npx",
      args: ["-y", "@modelcontextprotocol/server-memory"],
      env: { FOO: "1" },
    });
    expect(stdio.name).toBe("memory");
    expect(stdio.label).toBe("npx -y @modelcontextprotocol/server-memory");
  });

  it("gives the same identity to the same server however it is written", () => {
    const a = resolveDirectSpec("node server.js --port 1");
    const b = resolveDirectSpec({ command: "node", args: ["server.js", "--port", "1"], name: "custom" });
    expect(a.identity).toBe(b.identity);
    expect(b.name).toBe("custom");
    const c = resolveDirectSpec({ url: "http://h/mcp", headers: { b: "2", a: "1" } });
    const d = resolveDirectSpec({ url: "http://h/mcp", headers: { a: "1", b: "2" } });
    expect(c.identity).toBe(d.identity);
    expect(resolveDirectSpec({ url: "http://h/mcp", headers: { a: "other" } }).identity).not.toBe(c.identity);
  });

  it("rejects specs that are neither", () => {
    expect(() => resolveDirectSpec({ nope: true } as never)).toThrow(/must be a URL, a command line/);
    expect(() => resolveDirectSpec({ url: "ftp://x" })).toThrow(/must be http/);
    expect(() => resolveDirectSpec({ command: " " })).toThrow(/empty command/);
  });

  it("recognises registry names and org/name slugs", () => {
    for (const name of ["everything", "acme/memory", "@acme/tools", "my_server.v2"]) expect(looksLikeRegistryName(name)).toBe(true);
    for (const spec of ["npx -y x", "./server.js", "/usr/bin/srv", "a/b/c", "server.py"]) expect(looksLikeRegistryName(spec)).toBe(false);
  });
});
