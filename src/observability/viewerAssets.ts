/**
 * The viewer's inline CSS and script. Kept as strings (the page is one self-contained file, and
 * the package compiles without DOM types); the script only wires clicks to the details that
 * html.ts embeds as JSON, and reads them with textContent, never as HTML.
 */

export const VIEWER_CSS = `
:root { --bg:#fbfbfd; --fg:#1d2330; --muted:#6b7385; --line:#e3e6ee; --panel:#fff; --err:#d0364b; --accent:#4f7cff; }
* { box-sizing: border-box; }
body { margin:0; font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
header.top { padding:14px 20px 6px; }
header.top h1 { font-size:16px; margin:0 0 2px; }
header.top .sub { color:var(--muted); }
section.run { margin:8px 20px 28px; }
.run-head { display:flex; flex-wrap:wrap; gap:6px 18px; align-items:baseline; margin-bottom:8px; }
.run-head h2 { font-size:15px; margin:0; }
.badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; background:#e8f6ee; color:#17724a; }
.badge.failed, .badge.stopped, .badge.max_steps { background:#fdecee; color:var(--err); }
.stat { color:var(--muted); }
.stat b { color:var(--fg); font-weight:600; }
.input { color:var(--muted); margin:0 0 8px; }
table.agents { border-collapse:collapse; margin:0 0 10px; background:var(--panel); border:1px solid var(--line); }
table.agents th, table.agents td { padding:3px 10px; text-align:right; border-bottom:1px solid var(--line); }
table.agents th:first-child, table.agents td:first-child, table.agents td.model { text-align:left; }
table.agents th { font-weight:600; color:var(--muted); font-size:12px; }
.swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:6px; vertical-align:-1px; }
.main { display:grid; grid-template-columns:minmax(0,1fr) 340px; gap:14px; align-items:start; }
.timeline { background:var(--panel); border:1px solid var(--line); border-radius:6px; overflow-x:auto; }
.timeline svg { display:block; }
.lane-bg { fill:#fff; }
.lane-bg.odd { fill:#f7f8fb; }
.lane-label { font-size:12px; fill:var(--fg); }
.lane-kind { font-size:10px; fill:var(--muted); }
.axis text { font-size:10px; fill:var(--muted); }
.axis line { stroke:var(--line); }
.turn { opacity:.10; pointer-events:none; }
.bar { cursor:pointer; outline:none; }
.bar rect { stroke:rgba(0,0,0,.18); stroke-width:.6; }
.bar text { font-size:10.5px; fill:#fff; pointer-events:none; }
.bar.kind-tool text, .bar.kind-delegation text, .bar.kind-service text { fill:var(--fg); }
.bar.kind-service rect { opacity:.55; }
.bar.status-error rect { fill:var(--err) !important; }
.bar.status-retried rect { fill:url(#hatch) !important; stroke:var(--err); }
.bar.status-retried text { fill:#7a1020; font-weight:600; }
.bar.status-open rect { stroke-dasharray:3 2; }
.bar:hover rect, .bar:focus rect { stroke:#000; stroke-width:1.4; }
.bar.selected rect { stroke:#000; stroke-width:2; }
.link { pointer-events:none; }
.arrow { fill:none; stroke-width:1.6; }
.arrow-handoff { stroke:#c2410c; }
.arrow-delegation { stroke:#7c3aed; stroke-dasharray:5 3; }
.arrow-answer { stroke:#7c3aed; stroke-dasharray:2 3; }
.arrow-label { font-size:10px; fill:#6b3a12; }
.marker-retry path { fill:var(--err); }
.marker-policy path { fill:#c2410c; }
.marker-final path { fill:#17724a; }
.marker-failed path { fill:var(--err); }
.marker-grant line, .marker-deny line { stroke:var(--muted); stroke-width:1; }
.marker-deny line { stroke:var(--err); }
.legend { display:flex; flex-wrap:wrap; gap:4px 14px; color:var(--muted); font-size:12px; margin:6px 2px 0; }
.legend i { display:inline-block; width:18px; height:9px; border-radius:2px; margin-right:5px; vertical-align:0; }
.detail { margin-top:10px; background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:10px 14px; min-height:60px; }
.detail h3 { margin:0; font-size:14px; }
.detail .subtitle { color:var(--muted); margin-bottom:6px; }
.detail .section { margin-top:8px; }
.detail .section-label { font-weight:600; font-size:12px; color:var(--muted); }
.detail pre { margin:3px 0 0; padding:6px 8px; background:#f5f6fa; border-radius:4px; white-space:pre-wrap; word-break:break-word; max-height:260px; overflow:auto; font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
.detail .hint { color:var(--muted); }
aside.transcript { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:8px 10px; max-height:640px; overflow:auto; }
aside.transcript h3 { margin:0 0 6px; font-size:13px; }
aside.transcript ol { list-style:none; padding:0; margin:0; }
.msg { padding:6px 8px; margin:0 0 6px; border-radius:5px; background:#f5f6fa; border-left:3px solid #c9cfdc; }
.msg .who { font-size:11px; color:var(--muted); margin-bottom:2px; }
.msg .text { white-space:pre-wrap; word-break:break-word; }
.msg.role-user { border-left-color:#6b7385; }
.msg.role-assistant { background:#f3f6ff; }
.msg.role-tool { background:#f7f7f2; border-left-color:#b7ad6b; }
.msg.error { border-left-color:var(--err); }
.msg .calls { margin:4px 0 0; padding-left:14px; font-size:12px; color:var(--muted); }
.empty { color:var(--muted); padding:20px; }
`;

export const VIEWER_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById("trace-data").textContent);
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function show(bar) {
    var run = bar.closest("section.run");
    var panel = run.querySelector(".detail");
    var detail = data.details[bar.getAttribute("data-bar-id")];
    var selected = run.querySelectorAll(".bar.selected");
    for (var i = 0; i < selected.length; i++) selected[i].classList.remove("selected");
    bar.classList.add("selected");
    panel.textContent = "";
    if (!detail) { panel.appendChild(el("p", "hint", "No details were recorded for this bar.")); return; }
    panel.appendChild(el("h3", "title", detail.title));
    if (detail.subtitle) panel.appendChild(el("div", "subtitle", detail.subtitle));
    (detail.sections || []).forEach(function (s) {
      var box = el("div", "section");
      box.setAttribute("data-section", s.label);
      box.appendChild(el("div", "section-label", s.label));
      var body = s.text !== undefined ? s.text : JSON.stringify(s.json, null, 2);
      box.appendChild(el("pre", "", body === undefined ? "" : body));
      panel.appendChild(box);
    });
  }
  document.addEventListener("click", function (e) {
    var bar = e.target.closest && e.target.closest(".bar");
    if (bar) show(bar);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" && e.key !== " ") return;
    var bar = e.target.closest && e.target.closest(".bar");
    if (bar) { e.preventDefault(); show(bar); }
  });
})();
`;
