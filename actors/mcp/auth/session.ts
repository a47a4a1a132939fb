/**
 * The authorization of one HTTP connection: the OAuth client provider its transports use,
 * built from the server's `auth` setting (src/mcp/auth/config.ts): baton's stored OAuth client
 * (with a loopback redirect when a person can authorize), the SDK's client-credentials or
 * private-key-JWT providers, the user's own provider, or none.
 */
import { createPrivateKey } from "node:crypto";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { ClientCredentialsProvider, PrivateKeyJwtProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { BatonError } from "../../../src/errors.js";
import type { AuthConfig } from "../../../src/mcp/auth/config.js";
import { stablePort } from "../../../src/mcp/auth/redirect.js";
import type { McpTokenStore } from "../../../src/mcp/auth/store.js";
import type { AuthChallenge } from "../../../src/mcp/failures.js";
import { type Loopback, openLoopback } from "./loopback.js";
import { type Authorizer, StoredOAuthProvider } from "./provider.js";

/** Shows an authorization URL to a person (a browser, a message): the Runner's `mcp.onAuthorizationUrl` or the CLI. */
export type OpenAuthorizationUrl = (request: { server: string; url: string }) => void | Promise<void>;

export interface AuthSession {
  provider?: OAuthClientProvider;
  /** A person may authorize during this session (connects then wait for them). */
  interactive: boolean;
  /** Authorizations a person completed in this session. */
  completed(): number;
  /** The server answered 401/403 with this challenge (step-up reads the scope it asks for). */
  challenged(challenge: AuthChallenge): void;
  close(): Promise<void>;
}

export interface AuthContext {
  /** The server's name, for the person. */
  server: string;
  /** The MCP server's URL (store key, resource). */
  url: string;
  store: McpTokenStore;
  open?: OpenAuthorizationUrl;
  /** How long to wait for the person. */
  timeoutMs: number;
  onAuthorizing?: () => void;
}

const NONE: AuthSession = { interactive: false, completed: () => 0, challenged: () => undefined, close: async () => undefined };

/** The JWT algorithm for a private key: ES256/384/512 by curve, RS256 for RSA, EdDSA for Ed25519. */
function algorithmOf(privateKey: string): string {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKey);
  } catch (error) {
    throw new BatonError("INVALID_OPTIONS", `auth.privateKey is not a PEM private key: ${(error as Error).message}`);
  }
  const type = key.asymmetricKeyType;
  if (type === "rsa" || type === "rsa-pss") return "RS256";
  if (type === "ed25519") return "EdDSA";
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === "secp384r1" ? "ES384" : curve === "secp521r1" ? "ES512" : "ES256";
  }
  throw new BatonError("INVALID_OPTIONS", `auth.privateKey is a ${type} key: set auth.algorithm`);
}

function clientCredentials(config: Extract<AuthConfig, { kind: "client_credentials" }>): OAuthClientProvider {
  const common = {
    clientId: config.clientId,
    clientName: "baton",
    ...(config.scope ? { scope: config.scope } : {}),
    ...(config.issuer ? { expectedIssuer: config.issuer } : {}),
  };
  if (config.clientSecret) return new ClientCredentialsProvider({ ...common, clientSecret: config.clientSecret });
  const privateKey = config.privateKey ?? "";
  return new PrivateKeyJwtProvider({ ...common, privateKey, algorithm: config.algorithm ?? algorithmOf(privateKey) });
}

export async function openAuthSession(config: AuthConfig, context: AuthContext): Promise<AuthSession> {
  if (config.kind === "none") return NONE;
  if (config.kind === "provider") return { ...NONE, provider: config.provider };
  if (config.kind === "client_credentials") return { ...NONE, provider: clientCredentials(config) };
  const record = await context.store.get(context.url);
  let loopback: Promise<Loopback> | undefined;
  let authorizer: Authorizer | undefined;
  const open = context.open;
  if (open) {
    const port = config.redirectPort ?? stablePort(context.url);
    let redirectUrl = `http://127.0.0.1:${port}/callback`;
    const bind = () => {
      loopback ??= openLoopback(port, config.redirectPort === undefined).then((bound) => {
        redirectUrl = bound.redirectUrl;
        return bound;
      });
      return loopback;
    };
    authorizer = {
      get redirectUrl() {
        return redirectUrl;
      },
      ready: async () => {
        await bind();
      },
      authorize: async (url, state) => {
        const bound = await bind();
        const code = bound.waitForCode(state, context.timeoutMs);
        code.catch(() => undefined); // awaited below; not unhandled if open() throws first
        await open({ server: context.server, url: url.href });
        return code;
      },
    };
  }
  const provider = new StoredOAuthProvider({
    serverUrl: context.url,
    config,
    store: context.store,
    record,
    ...(authorizer ? { authorizer } : {}),
    ...(context.onAuthorizing ? { onAuthorizing: context.onAuthorizing } : {}),
  });
  return {
    provider,
    interactive: authorizer !== undefined,
    completed: () => provider.completed,
    challenged: (challenge) => {
      if (challenge.status === 403 && challenge.error === "insufficient_scope" && challenge.scope) provider.wantScope(challenge.scope);
    },
    close: async () => (await loopback?.catch(() => undefined))?.close(),
  };
}
