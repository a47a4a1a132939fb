/**
 * Authorization problems as data and as text (issue 19): the error a run fails with
 * (MCP_AUTH_REQUIRED) names the server and the command that fixes it. Pure.
 */

/** Why baton cannot use a server that needs authorization. */
export interface McpAuthProblem {
  /**
   * `missing`: no token and nobody to ask for one; `rejected`: the stored authorization was
   * refused (refresh failed, token revoked); `scope`: the server wants more scope than granted;
   * `failed`: the authorization flow itself failed (discovery, registration, a mismatched resource).
   */
  reason: "missing" | "rejected" | "scope" | "failed";
  /** The scope the server asked for, when it said. */
  scope?: string;
  /** The authorization server's or the MCP server's own words. */
  detail?: string;
}

/**
 * Thrown inside baton's OAuth client provider when it cannot go on without a person (no token,
 * nobody to ask) or was refused: the connection reports it as the failure's `auth`.
 */
export class AuthorizationNeeded extends Error {
  override readonly name = "AuthorizationNeeded";
  constructor(readonly problem: McpAuthProblem) {
    super(problemText(problem));
  }
}

/** `baton mcp login <ref>`, quoted for a shell where needed. */
export function loginCommand(ref: string): string {
  return `baton mcp login ${/^[\w@./:%?=&+-]+$/.test(ref) ? ref : `'${ref.replace(/'/g, `'\\''`)}'`}`;
}

function problemText(problem: McpAuthProblem): string {
  const detail = problem.detail ? ` (${problem.detail})` : "";
  switch (problem.reason) {
    case "missing":
      return `it needs authorization and baton has no token for it${detail}`;
    case "rejected":
      return `it refused baton's authorization${detail}`;
    case "scope":
      return `it needs more scope${problem.scope ? ` ("${problem.scope}")` : ""} than baton was granted${detail}`;
    case "failed":
      return `it needs authorization and authorizing failed${detail}`;
  }
}

/** What fixes an authorization problem, by the server's `auth` setting. */
export type AuthFix =
  | { kind: "login"; ref: string }
  | { kind: "credentials" }
  | { kind: "provider" }
  /** `auth: false` on a server that wants authorization. */
  | { kind: "disabled"; ref: string };

export function authFix(auth: { kind: "none" | "oauth" | "client_credentials" | "provider" }, ref: string): AuthFix {
  if (auth.kind === "client_credentials") return { kind: "credentials" };
  if (auth.kind === "provider") return { kind: "provider" };
  if (auth.kind === "none") return { kind: "disabled", ref };
  return { kind: "login", ref };
}

function fixText(fix: AuthFix, problem: McpAuthProblem): string {
  switch (fix.kind) {
    case "login":
      return problem.reason === "missing"
        ? `Run \`${loginCommand(fix.ref)}\` to authorize, or set the Runner option \`mcp.onAuthorizationUrl\` to authorize during runs (or give the server an \`auth\` setting with client credentials or your own \`authProvider\`).`
        : `Run \`${loginCommand(fix.ref)}\` to authorize again.`;
    case "credentials":
      return "Check the client credentials in its `auth` setting.";
    case "provider":
      return "Its `authProvider` could not authorize.";
    case "disabled":
      return `Its \`auth\` is false: remove that setting and run \`${loginCommand(fix.ref)}\`.`;
  }
}

/** The MCP_AUTH_REQUIRED message: what is wrong and what fixes it. */
export function authRequiredText(server: string, problem: McpAuthProblem, fix: AuthFix): string {
  return `MCP server "${server}" cannot be used: ${problemText(problem)}. ${fixText(fix, problem)}`;
}

/** A tool call refused for want of authorization: the text the model reads. */
export function callAuthText(server: string, tool: string, problem: McpAuthProblem, fix: AuthFix): string {
  return `MCP server "${server}" refused ${tool}: ${problemText(problem)}. The call was not made. A person must act: ${fixText(fix, problem)}`;
}
