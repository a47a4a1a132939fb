/**
 * `npm run schemas`: JSON Schemas of the SDKs' request types (sources.ts), checked in under
 * test/schemas/ so every test run validates request bodies without generating them. Rerun it
 * after upgrading `openai` or `@anthropic-ai/sdk`; the output is deterministic (sorted keys).
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const here = dirname(fileURLToPath(import.meta.url));

/** One file per provider holding both request variants: they share their definitions, so a validator compiles them once. */
export const SCHEMA_FILES = {
  openai: ["OpenAIChatRequestNonStreaming", "OpenAIChatRequestStreaming"],
  anthropic: ["AnthropicRequestNonStreaming", "AnthropicRequestStreaming"],
} as const;

const generator = createGenerator({
  path: join(here, "sources.ts"),
  tsconfig: join(here, "..", "..", "tsconfig.json"),
  // Unknown fields are errors: an object type without an index signature is closed.
  additionalProperties: false,
  skipTypeCheck: true,
  jsDoc: "basic",
  sortProps: true,
});

for (const [provider, types] of Object.entries(SCHEMA_FILES)) {
  const definitions: Record<string, unknown> = {};
  let dialect: string | undefined;
  for (const type of types) {
    const schema = generator.createSchema(type);
    dialect = schema.$schema;
    Object.assign(definitions, schema.definitions);
  }
  const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => a.localeCompare(b)));
  const file = join(here, `${provider}.schema.json`);
  writeFileSync(file, `${JSON.stringify({ $schema: dialect, definitions: sorted }, null, 2)}\n`);
  console.log(`wrote ${file}: ${types.join(", ")}`);
}
