/**
 * A Runner's named team definitions (`runner.define`): checked when defined, and resolved into
 * the options of the runs and teams that name them (`run({ team: name, input })`).
 */
import { BatonError } from "./errors.js";
import { type CheckedRun, checkRunInput } from "./options/checkRun.js";
import { type CheckedTeam, checkTeamOptions, read } from "./options/checkTeam.js";
import { describeValue, isPlainObject } from "./options/describe.js";
import type { RunOptions, TeamOptions } from "./options/types.js";

/** Keys a run may give besides `team` when it runs a defined team. */
const RUN_KEYS = new Set(["team", "input", "messages", "signal", "maxSteps", "maxHandoffs", "meta", "trace"]);
const DEFINITION_NAME = /^[a-zA-Z0-9_.-]{1,64}$/;

export class TeamDefinitions {
  /** Checked when defined. */
  readonly #definitions = new Map<string, TeamOptions>();

  define(name: string, options: TeamOptions): void {
    if (typeof name !== "string" || !DEFINITION_NAME.test(name)) {
      throw new BatonError(
        "INVALID_OPTIONS",
        `A team definition's name must be 1–64 letters, digits, "_", "-" or "."; got ${describeValue(name)}.`,
      );
    }
    if (isPlainObject(options) && read(options, "team") !== undefined) {
      throw new BatonError("INVALID_OPTIONS", `The definition of "${name}" names another team; give its options instead.`);
    }
    checkTeamOptions(options);
    this.#definitions.set(name, options);
  }

  get(name: string): TeamOptions | undefined {
    return this.#definitions.get(name);
  }

  /** Options with `team` resolved to the definition's options (plus the run's own input, messages, signal and limits). */
  resolve<O extends object>(options: O): O {
    if (!isPlainObject(options)) return options;
    const team = read(options, "team");
    if (team === undefined) return options;
    if (typeof team !== "string")
      throw new BatonError("INVALID_OPTIONS", `team must be the name of a defined team; got ${describeValue(team)}.`);
    const definition = this.#definitions.get(team);
    if (!definition) {
      const known = [...this.#definitions.keys()];
      throw new BatonError(
        "INVALID_OPTIONS",
        `No team is defined as "${team}". Define it first: runner.define("${team}", { agents: [...] })${known.length ? `; defined: ${known.join(", ")}` : ""}.`,
      );
    }
    const extra = Object.keys(options).filter((key) => !RUN_KEYS.has(key));
    if (extra.length) {
      throw new BatonError(
        "INVALID_OPTIONS",
        `A run of the defined team "${team}" takes only input, messages, signal, maxSteps and maxHandoffs; ${extra.join(", ")} belong in runner.define("${team}", …).`,
      );
    }
    return { ...definition, ...options } as O;
  }

  /** A run's options checked, its `team` resolved: the run itself and the team it runs on. */
  checkRun(options: RunOptions): { run: CheckedRun; checked: CheckedTeam } {
    const resolved = this.resolve(options);
    const run = checkRunInput(resolved);
    const checked = checkTeamOptions(resolved);
    const team = isPlainObject(options) ? read(options, "team") : undefined;
    if (typeof team === "string") run.origin = { ...run.origin, team };
    if (read(resolved, "from") !== undefined) {
      throw new BatonError("INVALID_OPTIONS", "`from` continues a long-lived team: use runner.team({ …, from: snapshot }).");
    }
    return { run, checked };
  }
}
