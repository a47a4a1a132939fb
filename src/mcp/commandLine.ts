/**
 * Shell-like splitting of an MCP server command line ("npx -y pkg 'an arg'"), without a shell:
 * whitespace separates words, single quotes are literal, double quotes allow \" \\ \$ \` escapes,
 * a backslash outside quotes escapes the next character, and leading NAME=value words become
 * environment variables (as a shell would pass them).
 */
import { BatonError } from "../errors.js";

export interface CommandLine {
  command: string;
  args: string[];
  env: Record<string, string>;
}

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const fail = (what: string): never => {
    throw new BatonError("INVALID_OPTIONS", `MCP server command line has ${what}: ${line}`, { details: { commandLine: line } });
  };
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) fail("an unterminated single quote");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += c;
        i++;
      }
      if (!closed) fail("an unterminated double quote");
      inWord = true;
    } else if (ch === "\\") {
      if (i + 1 >= line.length) fail("a trailing backslash");
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

/** Splits a command line into command, args and leading NAME=value environment assignments. */
export function parseCommandLine(line: string): CommandLine {
  const words = splitCommandLine(line);
  const env: Record<string, string> = {};
  let start = 0;
  for (; start < words.length; start++) {
    const match = ENV_ASSIGNMENT.exec(words[start]!);
    if (!match) break;
    env[match[1]!] = match[2]!;
  }
  const command = words[start];
  if (command === undefined || command === "") {
    throw new BatonError("INVALID_OPTIONS", `MCP server command line has no command: ${JSON.stringify(line)}`, {
      details: { commandLine: line },
    });
  }
  return { command, args: words.slice(start + 1), env };
}

/** Quotes words back into a readable command line for messages. */
export function formatCommandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((w) => (w === "" || /[\s'"\\$`]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w)).join(" ");
}
