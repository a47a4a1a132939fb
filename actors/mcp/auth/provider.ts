/**
 * baton's OAuth client for one MCP server: the MCP SDK's `OAuthClientProvider`, kept in the
 * token store. The SDK does the protocol (discovery with its fallbacks, dynamic registration or
 * a Client ID Metadata Document, PKCE, the `resource` parameter, scopes from the challenge or the
 * metadata, refresh); this class keeps what it is given and, when a person can authorize (the
 * CLI's login, or `mcp.onAuthorizationUrl` during runs), completes the redirect in place. When
 * nobody can, it stops the flow before anything is registered or opened, with the reason.
 */
import { auth, type OAuthClientProvider, type OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import type { AuthConfig } from "../../../src/mcp/auth/config.js";
import { AuthorizationNeeded, type McpAuthProblem } from "../../../src/mcp/auth/problem.js";
import { stablePort } from "../../../src/mcp/auth/redirect.js";
import { type McpAuthRecord, type McpTokenStore, missingScopes, withOfflineAccess } from "../../../src/mcp/auth/store.js";

/** A person who can authorize: shows them the URL, resolves with the code their browser brings back. */
export interface Authorizer {
  /** The loopback redirect URI (final once `ready()` has settled). */
  readonly redirectUrl: string;
  /** Opens the loopback redirect, the first time an authorization may need it. */
  ready(): Promise<void>;
  authorize(url: URL, state: string): Promise<string>;
}

export interface StoredProviderOptions {
  /** The MCP server's URL: the resource, and the store key. */
  serverUrl: string;
  config: Extract<AuthConfig, { kind: "oauth" }>;
  store: McpTokenStore;
  record: McpAuthRecord | undefined;
  /** Absent: nobody can authorize now (a run without `mcp.onAuthorizationUrl`). */
  authorizer?: Authorizer;
  /** Called when a person starts authorizing. */
  onAuthorizing?: () => void;
}

function registeredFor(client: OAuthClientInformationMixed, redirectUrl: string): boolean {
  if (/^https:\/\//.test(client.client_id)) return true; // a Client ID Metadata Document: not tied to a redirect
  const uris = (client as { redirect_uris?: unknown }).redirect_uris;
  return !Array.isArray(uris) || uris.includes(redirectUrl);
}

export class StoredOAuthProvider implements OAuthClientProvider {
  #record: McpAuthRecord;
  #verifier: string | undefined;
  #completed = 0;
  /** An interactive flow under way: a second one waits for it instead of opening another browser tab. */
  #flow: Promise<void> | undefined;
  #saving: Promise<void> = Promise.resolve();
  /** The server asked for more scope (403 insufficient_scope): a refresh cannot add scope, so it is not offered. */
  #stepUp: string | undefined;
  /** The authorization server refused the stored tokens (the SDK invalidated them). */
  #refused = false;

  constructor(private readonly options: StoredProviderOptions) {
    this.#record = structuredClone(options.record ?? {});
  }

  /** Authorizations a person completed through this provider. */
  get completed(): number {
    return this.#completed;
  }

  get redirectUrl(): string {
    if (this.options.authorizer) return this.options.authorizer.redirectUrl;
    const stored = (this.#record.client as { redirect_uris?: unknown } | undefined)?.redirect_uris;
    if (Array.isArray(stored) && typeof stored[0] === "string") return stored[0];
    return `http://127.0.0.1:${this.options.config.redirectPort ?? stablePort(this.options.serverUrl)}/callback`;
  }

  get clientMetadataUrl(): string | undefined {
    return this.options.config.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    const { config } = this.options;
    return {
      client_name: config.clientName ?? "baton",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: config.clientSecret ? "client_secret_basic" : "none",
      ...(config.scope ? { scope: config.scope } : {}),
    };
  }

  state(): string {
    return crypto.randomUUID();
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const { config, authorizer } = this.options;
    // The SDK asks for the client before it reads the redirect URI: the loopback opens now, not per connection.
    await authorizer?.ready();
    const stored = this.#record.client;
    if (config.clientId) {
      const given = { client_id: config.clientId, ...(config.clientSecret ? { client_secret: config.clientSecret } : {}) };
      return stored?.client_id === config.clientId ? { ...stored, ...given } : given;
    }
    if (stored && registeredFor(stored, this.redirectUrl)) return stored;
    // Registering a client nobody will use: stop here, before anything is sent.
    if (!authorizer) throw new AuthorizationNeeded(this.#problem(undefined));
    return undefined;
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    // A configured secret stays in the configuration, not in the store.
    const configured = this.options.config.clientSecret !== undefined && client.client_id === this.options.config.clientId;
    const { client_secret: _secret, ...rest } = client as OAuthClientInformationMixed & { client_secret?: string };
    this.#record.client = configured ? rest : client;
    await this.#save();
  }

  tokens(): OAuthTokens | undefined {
    const tokens = this.#record.tokens;
    if (tokens?.refresh_token && this.#stepUp && missingScopes(this.#stepUp, tokens.scope).length > 0) {
      const { refresh_token: _refresh, ...rest } = tokens;
      return rest;
    }
    return tokens;
  }

  /** The server's challenge asked for `scope`: the SDK's next authorization must ask a person, not refresh. */
  wantScope(scope: string): void {
    this.#stepUp = scope;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    this.#record.tokens = tokens;
    this.#stepUp = undefined;
    this.#refused = false;
    if (missingScopes(this.#record.wantedScope, tokens.scope).length === 0) delete this.#record.wantedScope;
    await this.#save();
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    if (!this.#verifier) throw new Error("no PKCE code verifier: the authorization was not started by this client");
    return this.#verifier;
  }

  async saveDiscoveryState(state: OAuthDiscoveryState): Promise<void> {
    this.#record.discovery = state;
    await this.#save();
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.#record.discovery;
  }

  async invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery"): Promise<void> {
    if ((scope === "all" || scope === "tokens") && this.#record.tokens) this.#refused = true;
    if (scope === "all") this.#record = {};
    if (scope === "client") delete this.#record.client;
    if (scope === "tokens") delete this.#record.tokens;
    if (scope === "discovery") delete this.#record.discovery;
    if (scope === "verifier") this.#verifier = undefined;
    else await this.#save();
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    const wanted = url.searchParams.get("scope") ?? undefined;
    const { authorizer } = this.options;
    if (!authorizer) {
      const problem = this.#problem(wanted);
      if (problem.reason === "scope") {
        this.#record.wantedScope = wanted;
        await this.#save();
      }
      throw new AuthorizationNeeded(problem);
    }
    if (this.#flow) return this.#flow; // the SDK fails this attempt; its retry finds the new token
    const scope = withOfflineAccess(wanted, this.#record.discovery?.authorizationServerMetadata?.scopes_supported);
    if (scope) url.searchParams.set("scope", scope);
    this.#flow = (async () => {
      this.options.onAuthorizing?.();
      const code = await authorizer.authorize(url, url.searchParams.get("state") ?? "");
      const resourceMetadataUrl = this.#record.discovery?.resourceMetadataUrl;
      const result = await auth(this, {
        serverUrl: this.options.serverUrl,
        authorizationCode: code,
        ...(resourceMetadataUrl ? { resourceMetadataUrl: new URL(resourceMetadataUrl) } : {}),
      });
      if (result === "AUTHORIZED") this.#completed++;
    })().finally(() => {
      this.#flow = undefined;
    });
    return this.#flow;
  }

  /** Why nobody-can-authorize stops here: never authorized, refused, or more scope wanted. */
  #problem(wanted: string | undefined): McpAuthProblem {
    const tokens = this.#record.tokens;
    if (!tokens && this.#refused) return { reason: "rejected", detail: "the stored token was refused and could not be renewed" };
    if (!tokens) return { reason: "missing", ...(wanted ? { scope: wanted } : {}) };
    if (missingScopes(wanted, tokens.scope).length > 0) return { reason: "scope", ...(wanted ? { scope: wanted } : {}) };
    return { reason: "rejected", detail: "the token expired or was revoked and could not be refreshed" };
  }

  /** Writes the record, one write at a time, in order. */
  #save(): Promise<void> {
    const record = structuredClone(this.#record);
    const key = this.options.serverUrl;
    const next = this.#saving.then(() =>
      Object.keys(record).length === 0 ? this.options.store.delete(key) : this.options.store.set(key, record),
    );
    this.#saving = next.catch(() => undefined);
    return next;
  }
}
