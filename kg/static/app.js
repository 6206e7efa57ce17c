// kehoach-kg query page. No framework, no request to another host. Every value from the data is put
// into the page with textContent, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const MAX_ROWS = 1000;
  let data = { queries: [], prefixes: {} };
  try {
    data = JSON.parse($("kehoach-data").textContent);
  } catch (error) {
    // the page was opened without the server: no examples
  }
  const byName = new Map((data.queries || []).map((q) => [q.name, q]));
  const prefixes = Object.entries(data.prefixes || {}).sort((a, b) => b[1].length - a[1].length);
  const XSD_STRING = ((data.prefixes || {}).xsd || "") + "string";

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function setStatus(text) {
    $("status").textContent = text;
  }

  function clearOutput() {
    $("error").hidden = true;
    $("error").textContent = "";
    $("note").hidden = true;
    $("results").replaceChildren();
    $("graph").hidden = true;
    $("graph").textContent = "";
  }

  function showError(text) {
    $("error").textContent = text;
    $("error").hidden = false;
  }

  // Parameters: one input per variable; a filled one is sent as $name=value and bound by the server
  // (never pasted into the query). A parameter's type says how its value is written.
  function showParams(list, values) {
    const holder = $("param-list");
    holder.replaceChildren();
    for (const param of list) {
      const row = el("div", null, "param");
      const id = "param-" + param.name;
      const label = el("label", "?" + param.name + (param.required ? " *" : ""));
      label.htmlFor = id;
      const input = el("input");
      input.id = id;
      input.dataset.name = param.name;
      input.dataset.type = param.type || "";
      input.value = (values && values[param.name]) || param.default || "";
      input.placeholder = param.required ? "bắt buộc · required" : "tất cả · all";
      input.addEventListener("keydown", runOnCtrlEnter);
      row.append(label, input);
      const explain = [param.description, param.type ? "(" + param.type + ")" : ""].filter(Boolean).join(" ");
      if (explain) row.append(el("div", explain, "explain"));
      holder.append(row);
    }
    $("params").hidden = list.length === 0;
  }

  function written(value, type) {
    if (!type || type === "iri" || value.startsWith('"') || value.startsWith("<")) return value;
    if (type === "literal") return '"' + value + '"';
    if (type.startsWith("@")) return '"' + value + '"' + type;
    if (type.startsWith("xsd:")) return '"' + value + '"^^<' + ((data.prefixes || {}).xsd || "") + type.slice(4) + ">";
    return value;
  }

  function chooseExample() {
    const query = byName.get($("example").value);
    if (!query) return;
    $("editor").value = query.text;
    const question = [query.question, query.title_en].filter(Boolean).join(" · ");
    $("question").textContent = question;
    $("question").hidden = !question;
    showParams(query.params || [], {});
    clearOutput();
    setStatus("");
  }

  function requestBody(format) {
    const body = new URLSearchParams();
    body.set("query", $("editor").value);
    for (const input of $("param-list").querySelectorAll("input")) {
      const value = input.value.trim();
      if (value) body.set("$" + input.dataset.name, written(value, input.dataset.type));
    }
    if (format) body.set("format", format);
    return body;
  }

  function post(format, accept) {
    return fetch("sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept || "*/*" },
      body: requestBody(format),
    });
  }

  function shortIri(iri) {
    for (const [prefix, namespace] of prefixes) {
      if (iri.startsWith(namespace) && iri.length > namespace.length) return prefix + ":" + iri.slice(namespace.length);
    }
    return iri;
  }

  function termCell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      const link = el("a", shortIri(term.value));
      link.href = "#iri=" + encodeURIComponent(term.value);
      link.title = term.value;
      td.append(link);
    } else if (term.type === "bnode") {
      td.append(el("span", "_:" + term.value, "bnode"));
    } else if (term.type === "literal" || term.type === "typed-literal") {
      td.append(el("span", term.value, "literal"));
      if (term["xml:lang"]) {
        td.append(el("small", "@" + term["xml:lang"], "lang"));
      } else if (term.datatype && term.datatype !== XSD_STRING) {
        const type = el("small", "^^" + shortIri(term.datatype), "datatype");
        type.title = term.datatype;
        td.append(type);
      }
    } else {
      td.append(el("span", JSON.stringify(term.value)));
    }
    return td;
  }

  function showTable(json, ms) {
    const vars = json.head.vars || [];
    const rows = json.results.bindings || [];
    const head = el("tr");
    for (const name of vars) head.append(el("th", "?" + name));
    const thead = el("thead");
    thead.append(head);
    const tbody = el("tbody");
    for (const row of rows.slice(0, MAX_ROWS)) {
      const tr = el("tr");
      for (const name of vars) tr.append(termCell(row[name]));
      tbody.append(tr);
    }
    $("results").replaceChildren(thead, tbody);
    if (rows.length > MAX_ROWS) {
      $("note").textContent = "Chỉ hiển thị " + MAX_ROWS + " dòng đầu; tải về để xem tất cả. " +
        "(Showing the first " + MAX_ROWS + " rows; download for all.)";
      $("note").hidden = false;
    }
    setStatus(rows.length + " dòng (rows) · " + ms + " ms");
  }

  let latest = 0; // only the answer to the latest run is shown

  async function run() {
    const mine = ++latest;
    clearOutput();
    setStatus("Đang chạy… (running)");
    const started = performance.now();
    let response;
    let text;
    try {
      response = await post(null, "application/sparql-results+json, text/turtle;q=0.9");
      text = await response.text();
    } catch (error) {
      if (mine !== latest) return;
      showError("Không kết nối được máy chủ (cannot reach the server): " + error);
      setStatus("");
      return;
    }
    if (mine !== latest) return;
    const ms = Math.round(performance.now() - started);
    if (!response.ok) {
      showError("Lỗi (error) " + response.status + ": " + text);
      setStatus("");
      return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/sparql-results+json")) {
      const json = JSON.parse(text);
      if (typeof json.boolean === "boolean") {
        $("graph").textContent = json.boolean ? "Có (true)" : "Không (false)";
        $("graph").hidden = false;
        setStatus(ms + " ms");
      } else {
        showTable(json, ms);
      }
    } else {
      $("graph").textContent = text;
      $("graph").hidden = false;
      setStatus(ms + " ms");
    }
  }

  const EXTENSIONS = { "text/csv": "csv", "application/sparql-results+json": "json", "application/ld+json": "jsonld",
    "text/turtle": "ttl", "application/n-triples": "nt" };

  async function download(format) {
    clearOutput();
    setStatus("Đang tải… (downloading)");
    let response;
    let blob;
    try {
      response = await post(format);
      blob = await response.blob();
    } catch (error) {
      showError("Không kết nối được máy chủ (cannot reach the server): " + error);
      setStatus("");
      return;
    }
    if (!response.ok) {
      showError("Lỗi (error) " + response.status + ": " + (await blob.text()));
      setStatus("");
      return;
    }
    const type = (response.headers.get("Content-Type") || "").split(";")[0];
    const url = URL.createObjectURL(blob);
    const link = el("a");
    link.href = url;
    link.download = "ket-qua." + (EXTENSIONS[type] || format);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
    setStatus("");
  }

  // A click on an IRI in the results lists the triples of that resource (bound, not pasted).
  function describe(iri) {
    $("example").value = "";
    $("question").textContent = "Mọi bộ ba có chủ thể ?s, theo đồ thị · Every triple about ?s, by graph";
    $("question").hidden = false;
    $("editor").value = "SELECT ?s ?p ?o ?g WHERE {\n  GRAPH ?g { ?s ?p ?o }\n}\nORDER BY ?p ?o\n";
    showParams([{ name: "s", description: "IRI của đối tượng · the resource's IRI" }], { s: "<" + iri + ">" });
    run();
  }

  function fromHash() {
    const match = /^#iri=(.+)$/.exec(location.hash);
    if (match) describe(decodeURIComponent(match[1]));
  }

  function runOnCtrlEnter(event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  }

  $("example").addEventListener("change", chooseExample);
  $("run").addEventListener("click", run);
  $("csv").addEventListener("click", () => download("csv"));
  $("json").addEventListener("click", () => download("json"));
  $("editor").addEventListener("keydown", runOnCtrlEnter);
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
