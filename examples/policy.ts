/**
 * Policies steer a team from outside the models: here a flaky primary model falls back to a
 * second one, a budget caps the tokens, and from step 4 on the model is told to finish.
 * Runs on sim models (no keys needed): the primary answers 503 every time.
 *
 *   npx tsx examples/policy.ts
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { defineTool, policies, Runner, type RunResult } from "../src/index.js";

const weather = defineTool({
  name: "weather",
  description: "Current weather for a city",
  parameters: z.object({ city: z.string() }),
  execute: ({ city }) => ({ city, tempC: 18, sky: "clear" }),
});

export async function runPolicyExample(log: (line: string) => void = console.log): Promise<RunResult> {
  const runner = new Runner({
    retry: { maxRetries: 1, baseDelayMs: 50 },
    providers: {
      sim: {
        scripts: {
          primary: () => ({ fault: { status: 503, message: "primary is overloaded" } }),
          backup: (request) =>
            request.messages.some((m) => m.role === "tool" && m.name === "weather")
              ? { text: "It is 18 °C and clear in Lisbon: a good evening for a walk." }
              : { toolCalls: [{ name: "weather", args: { city: "Lisbon" } }] },
        },
      },
    },
  });
  try {
    const stream = runner.stream({
      input: "Should I take a walk in Lisbon tonight?",
      model: ["sim/primary", "sim/backup"],
      tools: [weather],
      policy: policies.all(
        policies.fallback(), // when a model's retries are spent, move to the next one
        policies.budget({ maxTokens: 5_000 }), // stop before spending more
        policies.finishBy(4), // from step 4: "give your final answer now"
        ({ step }) => (step === 1 ? { modelSettings: { temperature: 0.2 } } : {}), // your own rule
      ),
    });
    stream
      .on("step.retry", (e) => log(`retry ${e.model} after: ${e.error.message}`))
      .on("handoff", (e) => log(`handoff (${e.by}) ${e.from} → ${e.to}`))
      .on("tool.called", (e) => log(`${e.model} calls ${e.name}`));
    const result = await stream.result;
    log(`${result.status}: ${result.finalOutput}`);
    return result;
  } finally {
    await runner.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runPolicyExample().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
