/** Where a Redis engine keeps each thing, under one prefix (pure: names only). */
export interface RedisKeys {
  /** BullMQ's own prefix for the queue. */
  bull: string;
  queue: string;
  /** Pub/sub channel of cancel decisions. */
  control: string;
  /** Runs with no final record, scored by their last write. */
  open: string;
  records(runId: string): string;
  lease(runId: string): string;
  events(runId: string): string;
  /** Set once a run's final event (finished, failed) is in its stream: nothing is added after it. */
  ended(runId: string): string;
  /** Written when a run is submitted: a run whose meta is gone was lost (Redis lost its data). */
  meta(runId: string): string;
  cancelled(runId: string): string;
  teamSnapshot(teamKey: string): string;
  teamLease(teamKey: string): string;
}

export function redisKeys(prefix: string): RedisKeys {
  const run = (runId: string, what: string) => `${prefix}:run:${runId}:${what}`;
  return {
    bull: `${prefix}:bull`,
    queue: "runs",
    control: `${prefix}:control`,
    open: `${prefix}:open`,
    records: (id) => run(id, "records"),
    lease: (id) => run(id, "lease"),
    events: (id) => run(id, "events"),
    ended: (id) => run(id, "ended"),
    meta: (id) => run(id, "meta"),
    cancelled: (id) => run(id, "cancelled"),
    teamSnapshot: (key) => `${prefix}:team:${key}:snapshot`,
    teamLease: (key) => `${prefix}:team:${key}:lease`,
  };
}

/** The seq of a stream entry id `<seq>-0`. */
export function seqOf(entryId: string): number {
  return Number(entryId.slice(0, entryId.indexOf("-")));
}
