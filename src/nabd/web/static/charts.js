// Draws every element with a data-chart attribute (JSON) with ECharts; mirrors the axes in RTL pages; numbers in
// Arabic-Indic digits when <html data-digits="arab"> (the reader's digits preference).
// The option builder is shared: Node requires this file (nabd/report/draw.js, see nabd.report.charts)
// to draw the same charts as SVG for the PDF report, without a browser or network.
(function (root) {
  "use strict";
  var COLOURS = { red: "#c62828", yellow: "#f2b705", green: "#2e7d32", blue: "#1565c0", grey: "#757575" };

  function aligned(labels, series) {
    if (!series.labels) { return series.values; }
    var byLabel = {};
    series.labels.forEach(function (label, i) { byLabel[label] = series.values[i]; });
    return labels.map(function (label) { return label in byLabel ? byLabel[label] : null; });
  }

  function percent(v, span) {
    // A share as a percentage: one decimal when the axis spans under 10 points (a churn rate of 1-4%).
    return (v * 100).toFixed(span !== undefined && span < 0.1 ? 1 : 0) + "%";
  }

  function axes(spec, rtl) {
    var span = spec.percent ? spanOf(spec) : undefined;
    return {
      xAxis: { type: "category", data: spec.labels || spec.days, inverse: rtl },
      yAxis: { type: "value", position: rtl ? "right" : "left", min: spec.min, max: spec.max, scale: !!spec.scale,
               name: spec.yName, nameTextStyle: { align: rtl ? "right" : "left" },
               axisLabel: spec.percent ? { formatter: function (v) { return percent(v, span); } } : {} },
      grid: { left: 48, right: 48, top: 48, bottom: 32, containLabel: true },
      legend: rtl ? { type: "scroll", top: 0, right: 0 } : { type: "scroll", top: 0, left: 0 },
      tooltip: { trigger: "axis", valueFormatter: spec.percent ? function (v) { return v === null || v === undefined ? "–" : (v * 100).toFixed(1) + "%"; } : undefined },
    };
  }

  function spanOf(spec) {
    var values = [];
    (spec.series || []).forEach(function (s) { s.values.forEach(function (v) { if (v !== null && v !== undefined) { values.push(v); } }); });
    if (!values.length) { return 1; }
    return Math.max.apply(null, values) - (spec.scale ? Math.min.apply(null, values) : 0);
  }

  function waterfall(spec, rtl) {
    // Each movement floats on an invisible base bar: base = running total before (or after, for a fall).
    // The value axis starts at spec.floor (not 0) so movements of a few thousand on a large MRR are seen.
    var base = [], size = [], total = 0;
    spec.values.forEach(function (v, i) {
      var sign = spec.signs[i];
      if (sign === 0) { base.push(0); size.push(v); total = v; return; }
      var change = sign > 0 ? v : -Math.abs(v);
      base.push(change >= 0 ? total : total + change);
      size.push(Math.abs(change));
      total += change;
    });
    var o = axes(spec, rtl);
    var width = Math.max(44, Math.floor((spec.chartWidth || 640) * 0.8 / spec.labels.length));  // every label, wrapped
    // spec.wrapped: labels already broken into lines ("\n"), as the server-side renderer reverses Arabic it breaks
    o.xAxis.axisLabel = { interval: 0, width: width, overflow: spec.wrapped ? "none" : "break", lineHeight: 14, hideOverlap: false };
    if (spec.labelsOutside) {
      // The page writes the labels under the plot (the PDF: WeasyPrint cannot shape Arabic inside an SVG),
      // so the plot keeps fixed margins: the value axis' side 64 px, the other 16 px.
      o.xAxis.axisLabel = { show: false };
      o.grid = { left: rtl ? 16 : 64, right: rtl ? 64 : 16, top: 24, bottom: 4, containLabel: false };
    }
    o.yAxis.min = spec.floor;
    o.yAxis.scale = spec.floor !== undefined;
    o.grid.bottom = 8;
    o.legend = { show: false };
    o.series = [
      { type: "bar", stack: "w", data: base, itemStyle: { color: "transparent" }, tooltip: { show: false }, silent: true },
      { type: "bar", stack: "w", barMaxWidth: 56, data: size.map(function (v, i) {
          var c = spec.signs[i] === 0 ? "#1565c0" : ((spec.signs[i] > 0 ? spec.values[i] : -Math.abs(spec.values[i])) >= 0 ? "#2e7d32" : "#c62828");
          return { value: v, itemStyle: { color: c } }; }),
        label: spec.texts ? { show: true, position: "top", color: "#1f2937", fontSize: 11,
                              formatter: function (p) { return spec.texts[p.dataIndex]; } } : { show: false } }];
    return o;
  }

  function option(spec, rtl) {
    if (spec.kind === "gauge") {
      var colour = COLOURS[spec.colour] || spec.colour;
      return { series: [{ type: "gauge", min: 0, max: 100, startAngle: 200, endAngle: -20,
        progress: { show: true, width: 14, itemStyle: { color: colour } },
        axisLine: { lineStyle: { width: 14 } }, pointer: { show: false }, splitLine: { show: false },
        axisTick: { show: false }, axisLabel: { show: false },
        detail: { valueAnimation: false, fontSize: 36, offsetCenter: [0, "0%"], color: COLOURS[spec.colour] ? colour : "#1f2937" },
        data: [{ value: spec.score, name: spec.name }] }] };
    }
    if (spec.kind === "history") {
      var o = axes(spec, rtl);
      o.yAxis.min = 0; o.yAxis.max = 100;
      o.series = [{ name: spec.name, type: "line", data: spec.scores, symbolSize: 6, lineStyle: { width: 3, color: "#1f2937" },
        itemStyle: { color: "#1f2937" },
        markArea: { silent: true, data: spec.bands.map(function (b) {
          return [{ yAxis: b.range[0], itemStyle: { color: COLOURS[b.colour] || b.colour, opacity: 0.12 } }, { yAxis: b.range[1] }];
        }) } }];
      return o;
    }
    if (spec.kind === "heatmap") {
      // Cohorts (rows) by months since start (columns); colour = retention 0..1; columns mirror in RTL.
      return {
        grid: { left: 80, right: 24, top: 16, bottom: 72, containLabel: true },
        xAxis: { type: "category", data: spec.ages, name: spec.xName, nameLocation: "middle", nameGap: 28, inverse: rtl },
        yAxis: { type: "category", data: spec.cohorts, inverse: true, position: rtl ? "right" : "left" },
        visualMap: { min: 0, max: 1, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                     inRange: { color: ["#c62828", "#f2b705", "#2e7d32"] },
                     formatter: function (v) { return (v * 100).toFixed(0) + "%"; } },
        tooltip: { formatter: function (p) { return spec.cohorts[p.value[1]] + " +" + p.value[0] + ": " + (p.value[2] * 100).toFixed(1) + "%"; } },
        series: [{ type: "heatmap", data: spec.cells }],
      };
    }
    if (spec.kind === "bars") {
      var bars = axes(spec, rtl);
      bars.series = [{ name: spec.name, type: "bar", data: spec.values, itemStyle: { color: "#1565c0" } }];
      return bars;
    }
    if (spec.kind === "stacked") {
      // One bar per label, one coloured part per series (mentions per competitor per month).
      var stacked = axes(spec, rtl);
      stacked.yAxis.minInterval = 1;
      stacked.series = spec.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: aligned(spec.labels, s) };
      });
      return stacked;
    }
    if (spec.kind === "waterfall") {
      return waterfall(spec, rtl);
    }
    var lines = axes(spec, rtl);
    if (spec.hideLegend) { lines.legend = { show: false }; lines.grid.top = 16; }
    lines.series = spec.series.map(function (s) {
      return { name: s.name, type: "line", connectNulls: true, data: aligned(spec.labels, s) };
    });
    if (spec.counts) {
      lines.yAxis = [lines.yAxis, { type: "value", position: rtl ? "left" : "right", name: spec.countName, splitLine: { show: false } }];
      lines.series.push({ name: spec.countName, type: "bar", yAxisIndex: 1, data: spec.counts, itemStyle: { color: "#9ca3af", opacity: 0.5 } });
    }
    return lines;
  }

  var ARABIC_INDIC = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669";

  function arabicDigits(text) {
    // Western digits to Arabic-Indic, the separators to Arabic ones (as Babel writes them for numbering "arab").
    return String(text).replace(/[0-9]/g, function (d) { return ARABIC_INDIC.charAt(+d); })
      .replace(/,/g, "\u066c").replace(/\./g, "\u066b").replace(/%/g, "\u066a");
  }

  function inDigits(format) {
    // A formatter giving what ``format`` gives (else the value, grouped when a number) in Arabic-Indic digits.
    return function (value) {
      if (value !== null && typeof value === "object" && "value" in value) { value = value.value; }  // a data label's
      var text = typeof format === "function" ? format.apply(this, arguments)
        : (typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 2 }) : value);
      return text === null || text === undefined ? "\u2013" : arabicDigits(text);
    };
  }

  function withDigits(o, digits) {
    // The option ``o`` with every number it shows (axis labels, tooltips, data labels, gauge, colour scale) in
    // the reader's digits (data-digits on <html>: "arab" = Arabic-Indic); others keep Western digits.
    if (digits !== "arab") { return o; }
    [].concat(o.xAxis || [], o.yAxis || []).forEach(function (axis) {
      axis.axisLabel = axis.axisLabel || {};
      axis.axisLabel.formatter = inDigits(axis.axisLabel.formatter);
      axis.axisPointer = { label: { formatter: function (p) { return arabicDigits(p.value); } } };
    });
    if (o.tooltip) {
      o.tooltip.valueFormatter = inDigits(o.tooltip.valueFormatter);
      if (typeof o.tooltip.formatter === "function") { o.tooltip.formatter = inDigits(o.tooltip.formatter); }
    } else {
      o.tooltip = { valueFormatter: inDigits() };
    }
    if (o.visualMap) { o.visualMap.formatter = inDigits(o.visualMap.formatter); }
    (o.series || []).forEach(function (s) {
      if (s.label) { s.label.formatter = inDigits(s.label.formatter); }
      if (s.detail) { s.detail.formatter = inDigits(s.detail.formatter); }
    });
    return o;
  }

  if (typeof module !== "undefined" && module.exports) {  // Node: the report draws the same charts as SVG
    module.exports = { option: option, withDigits: withDigits };
    return;
  }

  var FONT = getComputedStyle(document.body).fontFamily;

  function draw(element) {
    var spec = JSON.parse(element.getAttribute("data-chart"));
    var rtl = document.documentElement.dir === "rtl";
    var chart = echarts.init(element, null, { renderer: spec.renderer || "canvas" });
    spec.chartWidth = element.clientWidth;
    var o = withDigits(option(spec, rtl), document.documentElement.getAttribute("data-digits"));
    o.textStyle = { fontFamily: FONT };
    o.animation = false;
    chart.setOption(o);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})(this);
