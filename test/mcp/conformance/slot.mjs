// `node slot.mjs <client.mjs> <server url>`: runs a conformance client once one of
// $BATON_CONFORMANCE_SLOT_COUNT slots (default 2) under $BATON_CONFORMANCE_SLOTS is free. The
// suite starts every scenario's client at once; on a small machine 26 Node processes starting
// together miss the scenarios' timeouts, so they take turns. A slot is a directory holding the
// pid of its owner: a client that was killed leaves a slot any other client may take over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [client] = process.argv.slice(2);
const dir = process.env.BATON_CONFORMANCE_SLOTS;
const count = Number(process.env.BATON_CONFORMANCE_SLOT_COUNT ?? 2);

function ownerGone(slot) {
  try {
    process.kill(Number(readFileSync(path.join(slot, "pid"), "utf8")), 0);
    return false;
  } catch (error) {
    return error.code === "ESRCH"; // ENOENT: its owner is writing the pid right now
  }
}

async function acquire() {
  for (;;) {
    for (let i = 0; i < count; i++) {
      const slot = path.join(dir, `slot-${i}`);
      try {
        mkdirSync(slot);
        writeFileSync(path.join(slot, "pid"), String(process.pid));
        return slot;
      } catch {
        if (ownerGone(slot)) rmSync(slot, { recursive: true, force: true });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 50));
  }
}

if (dir) {
  const slot = await acquire();
  process.on("exit", () => rmSync(slot, { recursive: true, force: true }));
}
await import(pathToFileURL(path.resolve(client)).href);
