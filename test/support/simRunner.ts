import { afterEach } from "vitest";
import { Runner, type RunnerOptions } from "../../src/index.js";
import type { SimScript } from "../../src/sim/index.js";

/**
 * A factory of Runners on scripted sim models, each closed after its test.
 * `const sim = simRunners();` at the top of a file, then `sim({ a: [...] }).run(...)`.
 */
export function simRunners(defaults: RunnerOptions = {}): (scripts: Record<string, SimScript>, options?: RunnerOptions) => Runner {
  const open: Runner[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((runner) => runner.close()));
  });
  return (scripts, options = {}) => {
    const merged = { ...defaults, ...options };
    const runner = new Runner({ ...merged, providers: { ...merged.providers, sim: { scripts } } });
    open.push(runner);
    return runner;
  };
}
