import { sameShape, type TeamShape } from "../../src/team/teamShape.js";
import type { TeamSession } from "./session.js";

/** Idle teams kept at most, over all shapes (a 2-agent team holds about 30 KB). */
const MAX_IDLE_TEAMS = 256;
/** Distinct shapes kept at most; the least recently used goes first. */
const MAX_IDLE_SHAPES = 32;

interface Bucket {
  shape: TeamShape;
  teams: TeamSession[];
}

/**
 * The teams runner.run has finished with, kept for the next run of the same shape: spawning a
 * team's actors costs more than a short run on them. Bounded; never holds a team in use.
 */
export class IdleTeams {
  /** By shape key, least recently used first (Map order). */
  readonly #buckets = new Map<string, Bucket[]>();
  #size = 0;

  /** An idle team of this shape, now taken out of the pool. */
  take(shape: TeamShape): TeamSession | undefined {
    const buckets = this.#buckets.get(shape.key);
    const bucket = buckets?.find((b) => sameShape(b.shape, shape));
    const team = bucket?.teams.pop();
    if (!team || !buckets) return undefined;
    this.#size -= 1;
    this.#touch(shape.key, buckets);
    return team;
  }

  /** Keeps `team` for a later run; false (the caller stops it) when the pool is full. */
  give(shape: TeamShape, team: TeamSession): { kept: boolean; evicted: TeamSession[] } {
    const evicted: TeamSession[] = [];
    if (this.#size >= MAX_IDLE_TEAMS) return { kept: false, evicted };
    let buckets = this.#buckets.get(shape.key);
    let bucket = buckets?.find((b) => sameShape(b.shape, shape));
    if (!bucket) {
      if (this.#shapeCount() >= MAX_IDLE_SHAPES) evicted.push(...this.#evictOldestShape());
      bucket = { shape, teams: [] };
      buckets ??= [];
      buckets.push(bucket);
    }
    bucket.teams.push(team);
    this.#size += 1;
    this.#touch(shape.key, buckets!);
    return { kept: true, evicted };
  }

  /** Empties the pool and returns what it held (for the Runner to stop). */
  drain(): TeamSession[] {
    const teams = [...this.#buckets.values()].flatMap((buckets) => buckets.flatMap((b) => b.teams));
    this.#buckets.clear();
    this.#size = 0;
    return teams;
  }

  #shapeCount(): number {
    let count = 0;
    for (const buckets of this.#buckets.values()) count += buckets.length;
    return count;
  }

  #touch(key: string, buckets: Bucket[]): void {
    this.#buckets.delete(key);
    this.#buckets.set(key, buckets);
  }

  #evictOldestShape(): TeamSession[] {
    const [key, buckets] = this.#buckets.entries().next().value as [string, Bucket[]];
    const oldest = buckets.shift()!;
    if (buckets.length === 0) this.#buckets.delete(key);
    this.#size -= oldest.teams.length;
    return oldest.teams;
  }
}
