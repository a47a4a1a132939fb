/**
 * The client the official MCP conformance suite (@modelcontextprotocol/conformance, client mode)
 * runs for each scenario: `client.ts <server url>`, with MCP_CONFORMANCE_SCENARIO and, for some
 * scenarios, MCP_CONFORMANCE_CONTEXT. It is a user's program: baton's public API only
 * (`baton`, `baton/sim`), a scripted sim model that calls every tool the server offers, and the
 * settings a user would write for each kind of server. Exit code 0 when the run completed.
 */
import {
  type McpHttpServerSpec,
  type McpOptions,
  memoryTokenStore,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  Runner,
} from "../../../src/index.js";
import type { SimRequest } from "../../../src/sim/index.js";

/** A Client ID Metadata Document URL, used where the authorization server supports them. */
const CLIENT_METADATA_URL = "https://conformance-test.local/client-metadata.json";

const url = process.argv.at(-1); // the suite appends the server URL
const scenario = process.env["MCP_CONFORMANCE_SCENARIO"] ?? "";
const context = JSON.parse(process.env["MCP_CONFORMANCE_CONTEXT"] ?? "{}") as Record<string, string>;
if (!url?.startsWith("http")) {
  process.stderr.write("usage: client.ts <server url>\n");
  process.exit(2);
}

/** Arguments for the tools that take some; every other tool is called with none. */
const ARGS: Record<string, Record<string, unknown>> = { add_numbers: { a: 5, b: 3 } };

/** The model: calls each tool the server offers, once, then says what came back. */
function callEveryTool(request: SimRequest) {
  const called = new Set(request.messages.filter((m) => m.role === "tool").map((m) => m.name));
  const next = request.tools.find((t) => !called.has(t.name));
  if (next) return { toolCalls: [{ name: next.name, args: ARGS[next.name] ?? {} }] };
  return { text: `called ${called.size} tools` };
}

/** The person's browser: the conformance authorization server approves at once and redirects to baton's loopback. */
async function browse({ url: address }: { url: string }): Promise<void> {
  const response = await fetch(address);
  await response.text();
}

/**
 * Enterprise-managed authorization (SEP-990, cross-app access) as a user's own authProvider:
 * the IdP's ID token is exchanged for an ID-JAG at the IdP, which the authorization server takes
 * as a JWT bearer grant. baton hands the provider to the MCP SDK, which runs the token request.
 */
class CrossAppAccessProvider implements OAuthClientProvider {
  #tokens: OAuthTokens | undefined;
  #discovery: OAuthDiscoveryState | undefined;

  constructor(private readonly ctx: Record<string, string>) {}

  get redirectUrl(): undefined {
    return undefined; // no person in this flow
  }

  get clientMetadata() {
    return {
      client_name: "baton conformance",
      redirect_uris: [],
      grant_types: ["urn:ietf:params:oauth:grant-type:jwt-bearer"],
      token_endpoint_auth_method: "client_secret_basic",
    };
  }

  clientInformation() {
    return { client_id: this.ctx["client_id"] ?? "", client_secret: this.ctx["client_secret"] ?? "" };
  }

  tokens() {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }

  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.#discovery = state;
  }

  discoveryState() {
    return this.#discovery;
  }

  redirectToAuthorization(): void {
    throw new Error("cross-app access needs no browser");
  }

  saveCodeVerifier(): void {}

  codeVerifier(): string {
    throw new Error("cross-app access uses no PKCE verifier");
  }

  async prepareTokenRequest(): Promise<URLSearchParams> {
    const audience = this.#discovery?.authorizationServerMetadata?.issuer ?? String(this.#discovery?.authorizationServerUrl ?? "");
    const resource = this.#discovery?.resourceMetadata?.resource ?? url ?? "";
    const exchange = await fetch(this.ctx["idp_token_endpoint"] ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
        requested_token_type: "urn:ietf:params:oauth:token-type:id-jag",
        subject_token: this.ctx["idp_id_token"] ?? "",
        subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
        audience,
        resource,
        client_id: this.ctx["idp_client_id"] ?? "",
      }),
    });
    if (!exchange.ok) throw new Error(`token exchange at the IdP failed: ${exchange.status} ${await exchange.text()}`);
    const { access_token: assertion } = (await exchange.json()) as { access_token: string };
    return new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion });
  }
}

function serverFor(name: string): McpHttpServerSpec {
  const server: McpHttpServerSpec = { url: url ?? "", name: "conformance" };
  if (name === "auth/pre-registration")
    server.auth = { clientId: context["client_id"] ?? "", clientSecret: context["client_secret"] ?? "" };
  else if (name === "auth/client-credentials-basic") {
    server.auth = { type: "client_credentials", clientId: context["client_id"] ?? "", clientSecret: context["client_secret"] ?? "" };
  } else if (name === "auth/client-credentials-jwt") {
    server.auth = {
      type: "client_credentials",
      clientId: context["client_id"] ?? "",
      privateKey: context["private_key_pem"] ?? "",
      ...(context["signing_algorithm"] ? { algorithm: context["signing_algorithm"] } : {}),
    };
  } else if (name === "auth/cross-app-access-complete-flow") server.auth = { authProvider: new CrossAppAccessProvider(context) };
  else if (name.startsWith("auth/")) server.auth = { clientMetadataUrl: CLIENT_METADATA_URL };
  return server;
}

const mcp: McpOptions = {
  tokenStore: memoryTokenStore(),
  onAuthorizationUrl: browse,
  // The suite starts every scenario's client at once: on a busy machine starting takes a while.
  connectTimeoutMs: 120_000,
  callTimeoutMs: 120_000,
  // Accept with nothing filled in: the SDK applies the schema's defaults (SEP-1034).
  elicitation: { handler: async () => ({ action: "accept", content: {} }), applyDefaults: true },
};

const runner = new Runner({ mcp, providers: { sim: { scripts: { client: callEveryTool } } } });
let code = 0;
try {
  const result = await runner.run({
    input: `conformance scenario ${scenario}`,
    model: "sim/client",
    mcpServers: [serverFor(scenario)],
    maxSteps: 20,
  });
  process.stdout.write(`${scenario}: ${result.status}: ${result.finalOutput}\n`);
  for (const call of result.toolResults ?? [])
    process.stdout.write(`  ${call.name}: ${call.isError ? "error: " : ""}${JSON.stringify(call.result)}\n`);
  if (result.status !== "completed") code = 1;
} catch (error) {
  process.stderr.write(`${scenario}: ${error instanceof Error ? error.message : String(error)}\n`);
  code = 1;
} finally {
  await runner.close();
}
process.exit(code);
