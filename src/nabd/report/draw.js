// Draws chart specs as SVG with the vendored ECharts (server-side rendering, no DOM, no network).
// stdin: {"echarts": path, "charts": path to web/static/charts.js, "rtl", "width", "height", "font", "specs": [...]}
// stdout: a JSON list of SVG strings, one per spec.
"use strict";
const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const job = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const echarts = require(job.echarts);
  const { option } = require(job.charts);
  const drawn = job.specs.map((spec) => {
    const chart = echarts.init(null, null, { renderer: "svg", ssr: true,
      width: spec.width || job.width, height: spec.height || job.height });
    spec.chartWidth = spec.width || job.width;
    const o = option(spec, job.rtl);
    o.textStyle = { fontFamily: job.font };
    o.animation = false;
    chart.setOption(o);
    const svg = chart.renderToSVGString();
    chart.dispose();
    return svg;
  });
  process.stdout.write(JSON.stringify(drawn));
  process.exit(0);
});
