// The dashboard's charts: each <canvas data-chart='{...}'> becomes a Chart.js chart (vendored,
// static/vendor/chart.umd.min.js). The numbers are also in the table below each chart.
(function () {
  "use strict";
  function draw(canvas) {
    var cfg = JSON.parse(canvas.dataset.chart);
    var o = cfg.options || {};
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: cfg.data.datasets.length > 1 || !!o.stacked, position: "bottom" } },
      scales: {
        x: { stacked: !!o.stacked, grid: { display: false }, ticks: { maxRotation: 0, autoSkip: true } },
        y: { stacked: !!o.stacked, beginAtZero: true, ticks: { precision: 0 } }
      }
    };
    if (o.horizontal) {
      options.indexAxis = "y";
      options.scales = { x: { beginAtZero: true }, y: { grid: { display: false } } };
    }
    new window.Chart(canvas, { type: cfg.type, data: cfg.data, options: options });
  }
  function init() {
    if (!window.Chart) return;
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    window.Chart.defaults.color = "#5d6b7a";
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
