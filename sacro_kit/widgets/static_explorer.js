/* sacro_kit: the kernel-free responder explorer (sacro_kit/static_explorer.py builds its Vega-Lite spec).
 *
 * Needs the global `vegaEmbed` (the Vega/Vega-Lite/Vega-Embed bundle the book vendors from vl-convert-python; no
 * CDN) and loads nothing else. For every element with class "sk-explorer" it runs the embedded Vega-Lite spec
 * (inputs bound to its parameters) and writes the readout from the Vega dataset behind the chart's
 * "readout" marks: k, n, the percentage and its Wilson interval are computed by Vega expressions over the cohort
 * rows in the spec; this file only puts them into words. `element.skExplorer` exposes the Vega view (tests, bench).
 */
(function () {
  "use strict";

  function findMark(marks, name) {
    for (const mark of marks || []) {
      if (mark.name === name) return mark;
      const inner = findMark(mark.marks, name);
      if (inner) return inner;
    }
    return null;
  }

  function pct(value) {
    return (100 * value).toFixed(1) + "%";
  }

  function span(cls, text, value) {
    const el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    if (value !== undefined) el.dataset.value = String(value);
    return el;
  }

  function sentence(parts) {
    const p = document.createElement("span");
    p.className = "sk-line";
    for (const part of parts) p.append(part);
    return p;
  }

  function describe(row, meta) {
    const out = [];
    const variable = row.variable + " pain";
    if (!row.n) {
      out.push(sentence(["No patient has a usable " + variable + " pair for this threshold."]));
      return out;
    }
    const relative = row.kind === "relative";
    const what = relative ? row.x + "%" : row.x + " point" + (row.x === 1 ? "" : "s");
    const strong = document.createElement("strong");
    strong.append(span("sk-k", String(row.k)), " of ", span("sk-n", String(row.n)));
    out.push(sentence([strong, " patients (", span("sk-pct", pct(row.p), row.p), "; " + meta.conf_label +
      " Wilson CI ", span("sk-lo", pct(row.lo), row.lo), " to ", span("sk-hi", pct(row.hi), row.hi), ") had " +
      variable + " fall by at least ", span("sk-threshold", what, row.threshold),
      relative ? " of their baseline." : "."]));
    if (relative && row.nzero) {
      out.push(sentence([row.nzero + (row.nzero === 1 ? " patient" : " patients") +
        " with a baseline of 0 cannot have a relative decrease and " + (row.nzero === 1 ? "is" : "are") +
        " left out."]));
    }
    if (row.rk != null) {
      const rep = document.createElement("strong");
      rep.append(span("sk-reported", row.rk + "/" + row.rn));
      out.push(sentence(["The paper reports ", rep, " at exactly this threshold."]));
    }
    if (row.bmin == null) {
      out.push(sentence(["No band of reconstructed cohorts is available for this view."]));
    } else {
      const cohorts = row.ncohorts ? row.ncohorts + " " : "";
      if (Math.abs(row.bmax - row.bmin) < 1e-12) {
        out.push(sentence(["Every one of the " + cohorts + "reconstructed cohorts gives ",
          span("sk-band", pct(row.bmin)), ": the paper pins this number down."]));
      } else {
        out.push(sentence(["Across " + cohorts + "cohorts reconstructed from the paper it ranges from ",
          span("sk-band", pct(row.bmin) + " to " + pct(row.bmax)), " (middle 90%: " + pct(row.bp05) + " to " +
          pct(row.bp95) + "): the paper does not determine it."]));
      }
    }
    return out;
  }

  function showSlider(controls, kind) {
    for (const [name, k] of [["rel", "relative"], ["abs", "absolute"]]) {
      const input = controls.querySelector('input[name="' + name + '"]');
      const box = input && input.closest(".vega-bind");
      if (box) box.hidden = k !== kind;
    }
  }

  async function init(root) {
    if (root.skExplorer) return root.skExplorer;
    const specNode = root.querySelector("script.sk-explorer-spec");
    const spec = JSON.parse(specNode.textContent);
    const meta = spec.usermeta.sacro_kit;
    const controls = root.querySelector(".sk-explorer-controls");
    const readout = root.querySelector(".sk-explorer-readout");
    const chart = root.querySelector(".sk-explorer-chart");
    const embedded = await vegaEmbed(chart, spec, {mode: "vega-lite", renderer: "svg", actions: false,
                                                   bind: controls});
    const view = embedded.view;
    const mark = findMark(embedded.vgSpec.marks, meta.readout + "_marks");
    if (!mark) throw new Error("sacro_kit explorer: the spec has no '" + meta.readout + "' marks");
    const dataName = mark.from.data;
    const write = (rows) => {
      const row = rows && rows[0];
      if (!row) return;
      readout.replaceChildren(...describe(row, meta));
      readout.dataset.key = row.key;
    };
    view.addDataListener(dataName, (name, rows) => write(rows));
    view.addSignalListener("kind", (name, kind) => showSlider(controls, kind));
    root.skExplorer = view;
    await view.runAsync();
    showSlider(controls, view.signal("kind"));
    write(view.data(dataName));
    root.classList.add("sk-explorer-live");
    root.dataset.ready = "true";
    return view;
  }

  function start() {
    for (const root of document.querySelectorAll(".sk-explorer")) {
      init(root).catch((error) => {
        root.dataset.ready = "error";
        console.error("sacro_kit explorer:", error);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
