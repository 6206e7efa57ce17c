"""The style sheet and scripts of the HTML views (``kg.views`` inlines them into every page).

Plain CSS and plain JavaScript, no library but vis-network (which pyvis inlines). The page script reads
its settings from ``<script type="application/json" id="kh-meta">`` and the vis DataSets ``nodes`` and
``edges`` that pyvis's ``drawGraph()`` fills; every text it shows goes through ``textContent``.
"""

from __future__ import annotations

CSS = """
:root { --ink: #1d2733; --muted: #5b6573; --line: #d5dbe3; --accent: #0b5cad; --panel: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "DejaVu Sans", "Noto Sans", "Segoe UI", Arial, sans-serif; color: var(--ink);
       display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 0 16px; padding: 0 16px 24px; }
body > header, body > .kh-controls, body > .kh-wide { grid-column: 1 / -1; }
body > .card { grid-column: 1; grid-row: 3; width: 100% !important; border: 1px solid var(--line); }
body > aside.kh-side { grid-column: 2; grid-row: 3; overflow-y: auto; max-height: 78vh; }
#mynetwork { width: 100% !important; height: 78vh !important; float: none !important; border: 0 !important; }
header h1 { font-size: 1.45rem; margin: 14px 0 2px; }
header p { margin: 2px 0; color: var(--muted); }
nav a, a { color: var(--accent); }
.kh-controls { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; padding: 10px 0; }
.kh-controls label { display: inline-flex; gap: 6px; align-items: center; }
.kh-controls input[type=search] { width: 16em; padding: 4px 6px; font: inherit; }
.kh-controls select { max-width: 22em; font: inherit; }
#kh-search-result { color: var(--muted); min-width: 12em; }
aside.kh-side section { background: var(--panel); border: 1px solid var(--line); padding: 8px 10px;
                        margin-bottom: 10px; }
aside.kh-side h2 { font-size: 1rem; margin: 0 0 6px; }
.kh-legend ul { list-style: none; margin: 0; padding: 0; }
.kh-legend li { display: flex; gap: 8px; align-items: center; margin: 2px 0; }
.kh-dot { width: 13px; height: 13px; border-radius: 50%; display: inline-block; flex: none; border: 1px solid #0003; }
.kh-box { width: 16px; height: 11px; display: inline-block; flex: none; border: 1px solid #0005; }
#kh-details .kh-line { white-space: pre-wrap; margin: 2px 0; }
#kh-details ol { margin: 4px 0 0; padding-left: 1.3em; }
table.kh-sortable { border-collapse: collapse; width: 100%; margin: 8px 0 20px; font-size: 0.9rem; }
table.kh-sortable th, table.kh-sortable td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; }
table.kh-sortable td.n, table.kh-sortable th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.kh-sortable td.n { white-space: nowrap; }
table.kh-sortable th { cursor: pointer; background: var(--panel); position: sticky; top: 0; user-select: none; }
table.kh-sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.kh-sortable th[aria-sort=descending]::after { content: " ▼"; }
.kh-wide h2 { font-size: 1.15rem; margin: 18px 0 4px; }
.kh-wide summary { cursor: pointer; } .kh-wide summary h2 { display: inline-block; }
.kh-note { color: var(--muted); font-size: 0.9rem; }
div.vis-tooltip { white-space: pre-wrap; max-width: 420px; font: 13px/1.4 "DejaVu Sans", Arial, sans-serif; }
@media (max-width: 900px) {
  body { grid-template-columns: 1fr; }
  body > aside.kh-side { grid-column: 1; grid-row: auto; }
}
"""

# Sorts every table.kh-sortable by the clicked column: numbers by data-sort, text in Vietnamese order.
SORT_JS = """
(function () {
  "use strict";
  var collator = new Intl.Collator("vi", {numeric: true, sensitivity: "base"});
  function key(row, index) {
    var cell = row.children[index];
    return cell ? (cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent) : "";
  }
  document.querySelectorAll("table.kh-sortable").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, index) {
      th.tabIndex = 0;
      function sort() {
        var numeric = th.classList.contains("n");
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        if (th.getAttribute("aria-sort") === null && numeric) { ascending = false; }
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a, index), y = key(b, index), order;
          order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : collator.compare(x, y);
          return ascending ? order : -order;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (row) { fragment.appendChild(row); });
        body.appendChild(fragment);
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
    });
  });
})();
"""

# The network page: filters, search (with or without diacritics), details of a node, counts in the DOM.
PAGE_JS = """
(function () {
  "use strict";
  drawGraph();  // pyvis's function (its own call is removed so that no event fires before we listen)
  // Tooltips travel as "tip", not "title": pyvis switches every tooltip to raw HTML when a title
  // contains "href". vis-network shows a string title as text (innerText).
  nodes.update(nodes.get().map(function (node) { return {id: node.id, title: node.tip}; }));
  edges.update(edges.get().map(function (edge) { return {id: edge.id, title: edge.tip}; }));
  var meta = JSON.parse(document.getElementById("kh-meta").textContent);
  var body = document.body;
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\\u0300-\\u036f]/g, "")
      .replace(/\\u0111/g, "d").replace(/\\u0110/g, "D").toLowerCase().replace(/\\s+/g, " ").trim();
  }
  function byId(id) { return document.getElementById(id); }
  function text(tag, content, cls) {
    var element = document.createElement(tag);
    element.textContent = content;
    if (cls) { element.className = cls; }
    return element;
  }
  var state = {goal: 0, plan: "", hideCollective: false, hideDuties: false};
  var weight = {}, size = {};
  edges.forEach(function (edge) { weight[edge.id] = edge.value; });
  nodes.forEach(function (node) { size[node.id] = node.value; });
  var folded = [];
  nodes.forEach(function (node) { folded.push([node.id, fold(node.label)]); });

  function nodeShown(node) {
    if (state.hideCollective && node.collective) { return false; }
    if (state.goal && (node.goals || []).indexOf(state.goal) < 0) { return false; }
    if (state.plan && (node.plans || []).indexOf(state.plan) < 0) { return false; }
    return true;
  }
  function edgeShown(edge, shown) {
    if (!shown[edge.from] || !shown[edge.to]) { return false; }
    if (state.goal && (edge.goals || []).indexOf(state.goal) < 0) { return false; }
    if (state.plan && edge.plans && !edge.plans[state.plan]) { return false; }
    if (state.hideDuties && edge.duties && !edge.tasks) { return false; }
    return true;
  }
  function drawn() {
    var all = network.body, n = 0, m = 0;
    all.nodeIndices.forEach(function (id) { if (all.nodes[id] && !all.nodes[id].options.hidden) { n += 1; } });
    all.edgeIndices.forEach(function (id) {
      var edge = all.edges[id];
      if (edge && !edge.options.hidden && edge.from && edge.to &&
          !edge.from.options.hidden && !edge.to.options.hidden) {
        m += 1;
      }
    });
    body.setAttribute("data-nodes", String(n));
    body.setAttribute("data-edges", String(m));
    byId("kh-shown").textContent = "đang hiện " + n + " nút, " + m + " cạnh";
  }
  function apply() {
    var shown = {}, nodeChanges = [], edgeChanges = [];
    var visible = [];
    nodes.forEach(function (node) {
      var show = nodeShown(node);
      shown[node.id] = show;
      if (show) { visible.push(node.id); }
      var value = state.plan && node.ledIn ? (node.ledIn[state.plan] || 0) : size[node.id];
      var resize = value !== undefined && node.value !== value;
      if (Boolean(node.hidden) === show || resize) {
        var change = {id: node.id, hidden: !show};
        if (resize) { change.value = value; }
        nodeChanges.push(change);
      }
    });
    edges.forEach(function (edge) {
      var show = edgeShown(edge, shown);
      var value = state.plan && edge.plans ? (edge.plans[state.plan] || 0) : weight[edge.id];
      if (Boolean(edge.hidden) === show || edge.value !== value) {
        edgeChanges.push({id: edge.id, hidden: !show, value: value});
      }
    });
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    network.once("afterDrawing", drawn);
    if (visible.length) { network.fit({nodes: visible, animation: false}); }
    network.redraw();
  }

  function details(id) {
    var panel = byId("kh-details");
    panel.textContent = "";
    var node = nodes.get(id);
    if (!node) { panel.appendChild(text("p", "Chọn một nút để xem chi tiết.", "kh-note")); return; }
    panel.appendChild(text("h2", node.label));
    String(node.title || "").split("\\n").slice(1).forEach(function (line) {
      panel.appendChild(text("div", line, "kh-line"));
    });
    var partners = [];
    network.getConnectedEdges(id).forEach(function (edgeId) {
      var edge = edges.get(edgeId);
      if (!edge || edge.hidden) { return; }
      var other = nodes.get(edge.from === id ? edge.to : edge.from);
      if (other) { partners.push([other.label, edge.value || 0, edge.relation || ""]); }
    });
    if (partners.length) {
      partners.sort(function (a, b) { return b[1] - a[1] || a[0].localeCompare(b[0], "vi"); });
      panel.appendChild(text("div", meta.partners + " (" + partners.length + "):", "kh-line"));
      var list = document.createElement("ol");
      partners.slice(0, 25).forEach(function (p) { list.appendChild(text("li", p[0] + " — " + p[2] + " " + p[1])); });
      panel.appendChild(list);
    }
  }

  function search(query) {
    var wanted = fold(query), result = byId("kh-search-result");
    if (!wanted) {
      result.textContent = "";
      body.setAttribute("data-search-hits", "0");
      body.setAttribute("data-search-first", "");
      network.unselectAll();
      return;
    }
    var hits = folded.filter(function (entry) {
      var node = nodes.get(entry[0]);
      return node && !node.hidden && entry[1].indexOf(wanted) >= 0;
    }).map(function (entry) {
      var rank = entry[1] === wanted ? 0 : (entry[1].indexOf(wanted) === 0 ? 1 : 2);
      return [rank, entry[1].length, entry[0]];
    });
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    body.setAttribute("data-search-hits", String(hits.length));
    if (!hits.length) {
      result.textContent = "Không tìm thấy";
      body.setAttribute("data-search-first", "");
      network.unselectAll();
      return;
    }
    var first = nodes.get(hits[0][2]);
    result.textContent = "Tìm thấy " + hits.length + ": " + first.label;
    body.setAttribute("data-search-first", first.label);
    network.selectNodes(hits.slice(0, 50).map(function (hit) { return hit[2]; }));
    network.focus(first.id, {scale: Math.max(network.getScale(), 0.8), animation: false});
    details(first.id);
  }

  function bind(id, event, handler) {
    var element = byId(id);
    if (element) { element.addEventListener(event, handler); }
  }
  bind("kh-search", "input", function (event) { search(event.target.value); });
  bind("kh-goal", "change", function (event) { state.goal = parseInt(event.target.value, 10) || 0; apply(); });
  bind("kh-plan", "change", function (event) { state.plan = event.target.value; apply(); });
  bind("kh-hide-collective", "change", function (event) { state.hideCollective = event.target.checked; apply(); });
  bind("kh-hide-duties", "change", function (event) { state.hideDuties = event.target.checked; apply(); });
  window.addEventListener("hashchange", function () {
    var query = /(?:^#|&)q=([^&]*)/.exec(window.location.hash);
    if (query) { var value = decodeURIComponent(query[1]); byId("kh-search").value = value; search(value); }
  });
  network.on("click", function (params) { if (params.nodes.length) { details(params.nodes[0]); } });

  function ready() {
    if (body.getAttribute("data-rendered") === "1") { return; }
    network.once("afterDrawing", function () {
      drawn();
      body.setAttribute("data-rendered", "1");
      var query = /(?:^#|&)q=([^&]*)/.exec(window.location.hash);
      if (query) {
        var value = decodeURIComponent(query[1].replace(/\\+/g, " "));
        byId("kh-search").value = value;
        search(value);
      }
    });
    network.redraw();
  }
  if (meta.physics) {
    var done = false;
    var finish = function () {
      if (done) { return; }
      done = true;
      network.setOptions({physics: {enabled: false}});
      network.fit({animation: false});
      ready();
    };
    network.once("stabilizationIterationsDone", finish);
    network.once("stabilized", finish);
    window.setTimeout(finish, 15000);
  } else {
    ready();
  }
})();
"""
