/** The machine line every report starts with. */
import { arch, cpus, platform, totalmem } from "node:os";

export function machineLine(): string {
  const list = cpus();
  const model = (list[0]?.model ?? "unknown CPU").replace(/\s+/g, " ").trim();
  const gb = totalmem() / 1024 ** 3;
  return `${model}, ${list.length} cores, ${gb.toFixed(0)} GB RAM, Node ${process.version}, ${platform()} ${arch()}`;
}
