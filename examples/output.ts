/**
 * Typed output: the researcher gathers facts, hands off to the writer, and the run ends with a
 * value that matches a zod schema (`result.finalOutput` is typed). The first sim answer misses a
 * field on purpose: the writer gets one repair turn with the validation error, then answers
 * right. With OPENAI_API_KEY and ANTHROPIC_API_KEY set it runs on real models (structured output
 * native to each provider); without them on sim models.
 *
 *   npx tsx examples/output.ts
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { Runner } from "../src/index.js";
import type { SimScript } from "../src/sim/index.js";
import { searchNotes } from "./handoff.js";

export const Post = z.object({
  title: z.string().describe("A headline of at most ten words"),
  summary: z.string().describe("Two sentences"),
  tags: z.array(z.string()).describe("Three lowercase tags"),
});

const scripts: Record<string, SimScript> = {
  researcher: (request) =>
    request.messages.some((m) => m.role === "tool")
      ? { text: "Facts found.", handoff: { to: "sim/writer", reason: "the post needs a writer", task: "Write the post as JSON." } }
      : { toolCalls: [{ name: "search_notes", args: { query: "Kestrel" } }] },
  // The writer's first answer lacks `tags`: baton sends the validation error back once.
  writer: (request) =>
    request.messages.some(
      (m) => m.role === "user" && typeof m.content === "string" && m.content.includes("does not match the required output schema"),
    )
      ? {
          text: JSON.stringify({
            title: "Kestrel-2 reaches orbit",
            summary: "Orbital Labs launched Kestrel-2 to map crop health. The booster flew for the 14th time.",
            tags: ["launch", "satellites", "agriculture"],
          }),
        }
      : { text: JSON.stringify({ title: "Kestrel-2 reaches orbit", summary: "Orbital Labs launched Kestrel-2." }) },
};

export async function runOutputExample(
  options: { env?: Readonly<Record<string, string | undefined>>; log?: (line: string) => void } = {},
): Promise<z.infer<typeof Post>> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const live = Boolean(env.OPENAI_API_KEY && env.ANTHROPIC_API_KEY);
  if (!live) log("No OPENAI_API_KEY and ANTHROPIC_API_KEY: running on the scripted sim models (no network).");
  const runner = new Runner({ env, providers: { sim: { scripts } } });
  try {
    const stream = runner.stream({
      input: "Research the latest launch and give me a post about it.",
      model: live ? ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"] : ["sim/researcher", "sim/writer"],
      tools: [searchNotes],
      output: Post,
    });
    stream.on("handoff", (e) => log(`handoff ${e.from} → ${e.to}`));
    const result = await stream.result;
    const post = result.finalOutput; // typed: { title: string; summary: string; tags: string[] }
    log(`title: ${post.title}`);
    log(`tags: ${post.tags.join(", ")}`);
    log(`model calls: ${result.stepsUsed} (one of them a repair turn)`);
    return post;
  } finally {
    await runner.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runOutputExample().catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
