// Draws the report's charts from the options the page carries (no inline script: CSP).
(function () {
  "use strict";
  var data = document.getElementById("report-charts");
  var places = document.querySelectorAll("[data-chart]");
  if (!data || !places.length) {
    return;
  }
  if (typeof window.echarts === "undefined") {
    // The chart library is not installed: the tables beside each chart carry the figures.
    places.forEach(function (place) { place.hidden = true; });
    return;
  }
  var options = JSON.parse(data.textContent);
  var charts = [];
  places.forEach(function (place) {
    var option = options[place.getAttribute("data-chart")];
    if (!option) {
      place.hidden = true;
      return;
    }
    var rows = option.yAxis && option.yAxis.type === "category" ? option.yAxis.data.length : 0;
    if (rows > 8) {
      place.style.height = Math.min(40 + rows * 26, 1400) + 120 + "px";
    }
    var chart = window.echarts.init(place, null, { renderer: "canvas" });
    chart.setOption(option);
    place.setAttribute("data-rendered", "1");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
