/**
 * Renders a trace as one self-contained HTML page: inline CSS and script, an SVG timeline per
 * run (a lane per actor, bars, arrows, markers), tokens and cost per agent, the transcript,
 * and a detail panel filled when a bar is clicked. A Content-Security-Policy forbids every
 * network load, so the page works offline and leaks nothing when opened.
 */
import { parseTrace, type TraceRecord } from "./records.js";
import { type Arrow, type Bar, buildTraceView, type Detail, type Lane, type Marker, type RunView, type TraceView } from "./timeline.js";
import { VIEWER_CSS, VIEWER_SCRIPT } from "./viewerAssets.js";

const LABEL_W = 175;
const PLOT_W = 760;
const RIGHT_PAD = 24;
const ROW_H = 20;
const LANE_PAD = 6;
const AXIS_H = 26;
const PALETTE = ["#4f7cff", "#e0823d", "#2bb07f", "#b15fd6", "#d24d6b", "#3bb3c3", "#9c8a2e", "#5a6acf"];

/** The HTML page for a trace file's text. */
export function renderTraceHtml(trace: string | readonly TraceRecord[], options: { title?: string } = {}): string {
  const records = typeof trace === "string" ? parseTrace(trace) : trace;
  return renderView(buildTraceView(records), options.title ?? "baton trace");
}

export function renderView(view: TraceView, title: string): string {
  const details: Record<string, Detail> = {};
  const sections = view.runs.map((run, i) => renderRun(run, `r${i + 1}`, details));
  const data = JSON.stringify({ details }).replace(/</g, "\\u003c");
  const sub = [
    view.runs.length === 1 ? "1 run" : `${view.runs.length} runs`,
    view.startedAt ? `recorded ${view.startedAt}` : "",
    view.detail ? `${view.detail} detail` : "",
  ].filter(Boolean);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${VIEWER_CSS}</style>
</head>
<body>
<header class="top"><h1>${esc(title)}</h1><div class="sub">${esc(sub.join(" · "))}</div></header>
${sections.join("\n") || '<p class="empty">This trace holds no run (no run.started event).</p>'}
<script type="application/json" id="trace-data">${data}</script>
<script>${VIEWER_SCRIPT}</script>
</body>
</html>
`;
}

function renderRun(run: RunView, prefix: string, details: Record<string, Detail>): string {
  const colors = new Map(run.agents.map((a, i) => [a.agent, PALETTE[i % PALETTE.length]!]));
  for (const bar of run.bars) {
    bar.id = `${prefix}-${bar.id}`;
    if (bar.of) bar.of = `${prefix}-${bar.of}`;
    if (bar.detail) details[bar.id] = bar.detail;
  }
  const cost = run.totals.costUSD === undefined ? "n/a" : usd(run.totals.costUSD);
  const head = `<div class="run-head">
<h2>Run ${esc(run.runId.slice(0, 8))}</h2><span class="badge ${esc(run.status)}" data-status="${esc(run.status)}">${esc(run.status)}</span>
<span class="stat">duration <b>${ms(run.durationMs)}</b></span>
<span class="stat">model calls <b>${run.agents.reduce((n, a) => n + a.calls, 0)}</b></span>
<span class="stat">tokens <b>${run.totals.inputTokens}</b> in / <b>${run.totals.outputTokens}</b> out</span>
<span class="stat">cost <b data-total-cost>${cost}</b></span>
</div>
<p class="input">Input: ${esc(run.input)}${run.reason ? ` · ended: ${esc(run.reason)}` : ""}${run.error ? ` · <b>${esc(run.error)}</b>` : ""}</p>`;
  const agents = `<table class="agents"><thead><tr><th>agent</th><th>model</th><th>calls</th><th>retries</th><th>tool calls</th><th>input tokens</th><th>output tokens</th><th>cost</th></tr></thead><tbody>
${run.agents
  .map(
    (a) =>
      `<tr data-agent="${esc(a.agent)}"><td><span class="swatch" style="background:${colors.get(a.agent)}"></span>${esc(a.agent)}</td><td class="model">${esc(a.model)}</td><td>${a.calls}</td><td>${a.retries}</td><td>${a.toolCalls}</td><td data-tokens-in>${a.inputTokens}</td><td data-tokens-out>${a.outputTokens}</td><td data-cost>${a.costUSD === undefined ? "n/a" : usd(a.costUSD)}</td></tr>`,
  )
  .join("\n")}
</tbody></table>`;
  return `<section class="run" data-run-id="${esc(run.runId)}">
${head}
${agents}
<div class="main">
<div>
<div class="timeline">${renderSvg(run, colors)}</div>
${legend()}
<div class="detail" aria-live="polite"><p class="hint">Click a bar to see that call: the request it sent and what came back.</p></div>
</div>
${renderTranscript(run)}
</div>
</section>`;
}

function renderSvg(run: RunView, colors: Map<string, string>): string {
  const span = Math.max(run.durationMs, 1);
  const x = (t: number) => LABEL_W + (Math.min(Math.max(t, 0), span) / span) * PLOT_W;
  const laneY = new Map<string, { y: number; h: number }>();
  let y = AXIS_H;
  for (const lane of run.lanes) {
    const h = lane.rows * ROW_H + 2 * LANE_PAD;
    laneY.set(lane.id, { y, h });
    y += h;
  }
  const height = y + 8;
  const width = LABEL_W + PLOT_W + RIGHT_PAD;
  const center = (lane: string) => {
    const l = laneY.get(lane);
    return l ? l.y + l.h / 2 : AXIS_H;
  };
  const colorOf = (agent: string | undefined) => (agent === undefined ? "#8a93a6" : (colors.get(agent) ?? "#8a93a6"));
  const parts: string[] = [];
  parts.push(`<defs>
<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f6c9cf"/><line x1="0" y1="0" x2="0" y2="6" stroke="#d0364b" stroke-width="2.5"/></pattern>
<marker id="head-handoff" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c2410c"/></marker>
<marker id="head-delegation" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7c3aed"/></marker>
<marker id="head-answer" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#7c3aed"/></marker>
</defs>`);
  parts.push(renderAxis(span, x, height));
  run.lanes.forEach((lane, i) => {
    parts.push(renderLane(lane, laneY.get(lane.id)!, i, width));
  });
  for (const bar of run.bars.filter((b) => b.kind === "turn")) {
    const l = laneY.get(bar.lane);
    if (!l) continue;
    parts.push(
      `<rect class="turn" data-turn="${esc(bar.lane)}" x="${n(x(bar.start))}" y="${l.y + 1}" width="${n(Math.max(1, x(bar.end) - x(bar.start)))}" height="${l.h - 2}" fill="${colorOf(actorName(bar.lane))}"><title>${esc(bar.detail?.title ?? "")}: ${esc(bar.detail?.subtitle ?? "")}</title></rect>`,
    );
  }
  for (const bar of run.bars.filter((b) => b.kind !== "turn")) {
    const l = laneY.get(bar.lane);
    if (l) parts.push(renderBar(bar, l.y + LANE_PAD + bar.row * ROW_H, x, colorOf(bar.agent)));
  }
  for (const marker of run.markers) parts.push(renderMarker(marker, x(marker.t), laneY.get(marker.lane)));
  for (const arrow of run.arrows) parts.push(renderArrow(arrow, x, center));
  // Scales with the page (down to 80%, then the box scrolls): the whole run in view at once.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="100%" viewBox="0 0 ${width} ${height}" style="min-width:${Math.round(width * 0.8)}px" role="img" aria-label="Timeline of run ${esc(run.runId)}">${parts.join("\n")}</svg>`;
}

function renderAxis(span: number, x: (t: number) => number, height: number): string {
  const step = niceStep(span / 8);
  const ticks: string[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) {
    const px = n(x(t));
    ticks.push(
      `<line x1="${px}" y1="${AXIS_H - 6}" x2="${px}" y2="${height}"/><text x="${px}" y="${AXIS_H - 10}" text-anchor="middle">${ms(t)}</text>`,
    );
  }
  return `<g class="axis">${ticks.join("")}</g>`;
}

function renderLane(lane: Lane, box: { y: number; h: number }, index: number, width: number): string {
  return `<g class="lane" data-lane="${esc(lane.id)}" data-kind="${lane.kind}">
<rect class="lane-bg${index % 2 ? " odd" : ""}" x="0" y="${box.y}" width="${width}" height="${box.h}"/>
<text class="lane-label" x="10" y="${box.y + box.h / 2 - 1}">${esc(lane.label)}</text>
<text class="lane-kind" x="10" y="${box.y + box.h / 2 + 11}">${esc(lane.id)}</text>
</g>`;
}

function renderBar(bar: Bar, top: number, x: (t: number) => number, color: string): string {
  const x1 = x(bar.start);
  const w = Math.max(3, x(bar.end) - x1);
  const h = ROW_H - 4;
  const fill = bar.kind === "model" ? color : bar.kind === "service" ? color : tint(color);
  const attrs = [
    `class="bar kind-${bar.kind} status-${bar.status}"`,
    `data-bar-id="${esc(bar.id)}"`,
    `data-kind="${bar.kind}"`,
    `data-status="${bar.status}"`,
    `data-lane="${esc(bar.lane)}"`,
    bar.agent === undefined ? "" : `data-agent="${esc(bar.agent)}"`,
    bar.step === undefined ? "" : `data-step="${bar.step}"`,
    bar.of === undefined ? "" : `data-of="${esc(bar.of)}"`,
    `data-start-ms="${n(bar.start)}"`,
    `data-end-ms="${n(bar.end)}"`,
    'tabindex="0" role="button"',
  ]
    .filter(Boolean)
    .join(" ");
  const glyph = bar.status === "retried" ? "↻ " : bar.status === "error" ? "✕ " : "";
  const label = fitLabel(`${glyph}${bar.label}`, w);
  const tip = `${bar.label} — ${ms(bar.end - bar.start)}${bar.status === "ok" ? "" : ` (${bar.status})`}`;
  return `<g ${attrs}><rect x="${n(x1)}" y="${top + 2}" width="${n(w)}" height="${h}" rx="3" fill="${fill}"/>${
    label ? `<text x="${n(x1 + 4)}" y="${top + 2 + h / 2 + 3.5}">${esc(label)}</text>` : ""
  }<title>${esc(tip)}</title></g>`;
}

function renderMarker(marker: Marker, px: number, lane: { y: number; h: number } | undefined): string {
  if (!lane) return "";
  const attrs = `class="marker marker-${marker.kind}" data-marker="${marker.kind}" data-lane="${esc(marker.lane)}"`;
  const tip = `<title>${esc(marker.label)}</title>`;
  if (marker.kind === "grant" || marker.kind === "deny") {
    return `<g ${attrs}><line x1="${n(px)}" y1="${lane.y + 4}" x2="${n(px)}" y2="${lane.y + lane.h - 4}"/>${tip}</g>`;
  }
  // In the lane's top padding, above the bars: a marker never covers a bar a person wants to click.
  const top = lane.y + 1;
  const shape =
    marker.kind === "retry"
      ? `M${n(px - 4)},${top} L${n(px + 4)},${top} L${n(px)},${top + LANE_PAD} z`
      : `M${n(px)},${top} L${n(px + 3.5)},${top + LANE_PAD / 2} L${n(px)},${top + LANE_PAD} L${n(px - 3.5)},${top + LANE_PAD / 2} z`;
  return `<g ${attrs}><path d="${shape}"/>${tip}</g>`;
}

function renderArrow(arrow: Arrow, x: (t: number) => number, center: (lane: string) => number): string {
  const x1 = x(arrow.t1);
  const x2 = Math.max(x(arrow.t2), x1 + 6);
  const y1 = center(arrow.from);
  const y2 = center(arrow.to);
  const bend = Math.max(18, Math.abs(y2 - y1) / 3);
  const d = `M${n(x1)},${n(y1)} C${n(x1 + bend)},${n(y1)} ${n(x2 - bend)},${n(y2)} ${n(x2)},${n(y2)}`;
  const labelY = (y1 + y2) / 2;
  // Delegations are labelled by their bar ("ask …"); handoffs by their reason, on the side with room.
  const text = shorten(arrow.label, 48);
  const labelX = (x1 + x2) / 2;
  const fits = labelX + 6 + text.length * 5.6 <= LABEL_W + PLOT_W + RIGHT_PAD;
  const label =
    arrow.kind !== "handoff"
      ? ""
      : `<text class="arrow-label" x="${n(fits ? labelX + 6 : labelX - 6)}" y="${n(labelY)}"${fits ? "" : ' text-anchor="end"'}>${esc(text)}</text>`;
  return `<g class="link" data-arrow="${arrow.kind}" data-from="${esc(arrow.from)}" data-to="${esc(arrow.to)}" data-t1-ms="${n(arrow.t1)}" data-t2-ms="${n(arrow.t2)}"><path class="arrow arrow-${arrow.kind}" d="${d}" marker-end="url(#head-${arrow.kind})"/>${label}<title>${esc(arrow.label)}</title></g>`;
}

function legend(): string {
  return `<div class="legend">
<span><i style="background:#4f7cff"></i>model call</span>
<span><i style="background:#c7d5ff"></i>tool call / delegation</span>
<span><i style="background:#e8edf9;border:1px solid #ccd"></i>service at work</span>
<span><i style="background:repeating-linear-gradient(45deg,#d0364b 0 2px,#f6c9cf 2px 5px)"></i>failed, retried</span>
<span><i style="background:#c2410c;height:2px"></i>handoff</span>
<span><i style="background:#7c3aed;height:2px"></i>delegation</span>
<span>▼ retry · ◆ policy / end</span>
</div>`;
}

function renderTranscript(run: RunView): string {
  if (run.transcript.length === 0)
    return `<aside class="transcript"><h3>Transcript</h3><p class="hint">No transcript recorded.</p></aside>`;
  const items = run.transcript.map((m) => {
    const who = [m.role, m.by].filter(Boolean).join(" · ");
    const calls = m.toolCalls?.length
      ? `<ul class="calls">${m.toolCalls.map((c) => `<li>→ ${esc(c.name)} ${esc(shorten(c.args, 120))}</li>`).join("")}</ul>`
      : "";
    return `<li class="msg role-${m.role}${m.isError ? " error" : ""}" data-role="${m.role}"><div class="who">${esc(who)}</div>${
      m.text ? `<div class="text">${esc(m.text)}</div>` : ""
    }${calls}</li>`;
  });
  return `<aside class="transcript"><h3>Transcript</h3><ol>${items.join("\n")}</ol></aside>`;
}

function actorName(laneId: string): string | undefined {
  const parts = laneId.split(":");
  return parts[0] === "agent" ? parts.slice(2).join(":") : undefined;
}

/** A lighter shade of a #rrggbb colour, for tool bars. */
function tint(color: string): string {
  const v = Number.parseInt(color.slice(1), 16);
  const mix = (c: number) => Math.round(c + (255 - c) * 0.62);
  const r = mix((v >> 16) & 255);
  const g = mix((v >> 8) & 255);
  const b = mix(v & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, "0")}`;
}

function fitLabel(text: string, width: number): string {
  const chars = Math.floor((width - 8) / 6);
  if (chars < 3) return "";
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text;
}

function niceStep(raw: number): number {
  if (raw <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

function ms(value: number): string {
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value >= 100 ? Math.round(value) : Number(value.toFixed(1))} ms`;
}

function usd(value: number): string {
  return value < 0.01 ? `$${value.toFixed(5)}` : `$${value.toFixed(4)}`;
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const n = (value: number) => (Math.round(value * 10) / 10).toString();

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
