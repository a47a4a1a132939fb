/**
 * API keys, checked as the real APIs check them when the server is started with `apiKey`:
 * OpenAI wants `Authorization: Bearer <key>`, Anthropic `x-api-key: <key>` or a bearer token; a missing or wrong
 * key is a 401 with the real error message.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Problem } from "./protocol.js";

/** How OpenAI shows a wrong key in its error: the start and the last four characters. */
function masked(key: string): string {
  return key.length <= 8 ? "*".repeat(key.length) : `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 30))}${key.slice(-4)}`;
}

export function checkOpenAIKey(headers: IncomingHttpHeaders, expected: string): Problem | undefined {
  const header = headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(.+)$/i.exec(header) : null;
  const key = match?.[1]?.trim();
  if (!key) {
    return {
      status: 401,
      code: null,
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
    };
  }
  if (key !== expected) {
    return {
      status: 401,
      message: `Incorrect API key provided: ${masked(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      code: "invalid_api_key",
    };
  }
  return undefined;
}

export function checkAnthropicKey(headers: IncomingHttpHeaders, expected: string): Problem | undefined {
  // The API takes the key as `x-api-key` or as a bearer token (SDK 1.x sends the latter).
  const apiKey = headers["x-api-key"];
  const bearer = typeof headers.authorization === "string" ? /^Bearer\s+(.+)$/i.exec(headers.authorization)?.[1]?.trim() : undefined;
  if (typeof apiKey === "string" && apiKey !== "") return apiKey === expected ? undefined : { status: 401, message: "invalid x-api-key" };
  if (bearer) return bearer === expected ? undefined : { status: 401, message: "Invalid bearer token" };
  return { status: 401, message: "x-api-key header is required" };
}
