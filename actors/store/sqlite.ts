import { createRequire } from "node:module";
import { hostname } from "node:os";
import type { CheckpointRecord, RunSummary } from "../../src/store/records.js";
import type { RunStore } from "../../src/store/types.js";
import { summaryOf } from "./summary.js";

type Database = import("better-sqlite3").Database;

/** Is the process of a lease owner (`host:pid:…`) on this host gone? */
function ownerIsGone(owner: string): boolean {
  const [host, pidText] = owner.split(":");
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Checkpoints in one SQLite file (better-sqlite3, WAL): a committed record survives `kill -9`.
 * Records are appended in a transaction per batch, never rewritten; the cost of an append does
 * not grow with the run. Writes are synchronous, so a record is committed before the run goes on.
 */
export function sqliteStore(path: string): RunStore {
  let db: Database | undefined;
  /** Opened on first use, synchronously: an append must commit before the run goes on. */
  const conn = (): Database => {
    if (db) return db;
    const BetterSqlite3 = createRequire(import.meta.url)("better-sqlite3") as typeof import("better-sqlite3");
    const opened = new BetterSqlite3(path);
    opened.pragma("journal_mode = WAL");
    opened.pragma("synchronous = FULL");
    opened.exec(`
      CREATE TABLE IF NOT EXISTS records (run_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (run_id, seq));
      CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, last_kind TEXT NOT NULL, updated_at REAL NOT NULL, next_seq INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS runs_open ON runs (last_kind);
      CREATE TABLE IF NOT EXISTS leases (run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, until REAL NOT NULL);
    `);
    db = opened;
    return opened;
  };
  const recordsOf = (runId: string): CheckpointRecord[] =>
    (conn().prepare("SELECT body FROM records WHERE run_id = ? ORDER BY seq").all(runId) as Array<{ body: string }>).map(
      (r) => JSON.parse(r.body) as CheckpointRecord,
    );

  return {
    durable: true,
    append(runId, records) {
      appendNow(conn(), runId, records);
    },
    async load(runId) {
      const records = recordsOf(runId);
      return records.length ? records : undefined;
    },
    async unfinished() {
      const ids = conn()
        .prepare("SELECT run_id FROM runs WHERE last_kind NOT IN ('finished', 'failed') ORDER BY updated_at")
        .all() as Array<{
        run_id: string;
      }>;
      const out: RunSummary[] = [];
      for (const { run_id } of ids) {
        const summary = summaryOf(run_id, recordsOf(run_id));
        if (summary) out.push(summary);
      }
      return out;
    },
    async claim(runId, owner, ttlMs) {
      const db = conn();
      const now = Date.now();
      // IMMEDIATE: take the write lock first (a read that turns into a write can fail at once when another process wrote).
      return db
        .transaction(() => {
          const lease = db.prepare("SELECT owner, until FROM leases WHERE run_id = ?").get(runId) as
            | { owner: string; until: number }
            | undefined;
          if (lease && lease.owner !== owner && lease.until > now && !ownerIsGone(lease.owner)) return false;
          db.prepare(
            "INSERT INTO leases (run_id, owner, until) VALUES (?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET owner = excluded.owner, until = excluded.until",
          ).run(runId, owner, now + ttlMs);
          return true;
        })
        .immediate();
    },
    async release(runId, owner) {
      conn().prepare("DELETE FROM leases WHERE run_id = ? AND owner = ?").run(runId, owner);
    },
    async close() {
      db?.close();
      db = undefined;
    },
  };
}

function appendNow(db: Database, runId: string, records: readonly CheckpointRecord[]): void {
  if (records.length === 0) return;
  // IMMEDIATE: take the write lock first (a read that turns into a write can fail at once when another process wrote).
  db.transaction(() => {
    const row = db.prepare("SELECT next_seq FROM runs WHERE run_id = ?").get(runId) as { next_seq: number } | undefined;
    let seq = row?.next_seq ?? 0;
    const insert = db.prepare("INSERT INTO records (run_id, seq, kind, body) VALUES (?, ?, ?, ?)");
    for (const record of records) insert.run(runId, seq++, record.kind, JSON.stringify(record));
    const last = records.at(-1)!;
    db.prepare(
      "INSERT INTO runs (run_id, last_kind, updated_at, next_seq) VALUES (?, ?, ?, ?) ON CONFLICT(run_id) DO UPDATE SET last_kind = excluded.last_kind, updated_at = excluded.updated_at, next_seq = excluded.next_seq",
    ).run(runId, last.kind, last.at, seq);
  }).immediate();
}
