// Draws the coauthor network of a person page into <svg id="coauthor-network"> from the JSON in
// <script id="network-data">: a force-directed layout, no libraries, started from a circle and run for
// a fixed number of steps, so that the picture is the same on every load.
(function () {
  "use strict";
  var svg = document.getElementById("coauthor-network");
  var source = document.getElementById("network-data");
  if (!svg || !source) { return; }
  var data = JSON.parse(source.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var width = 560, height = 420;

  var nodes = [{ id: data.center.id, name: data.center.name, href: data.center.href, works: 0, center: true }];
  data.nodes.forEach(function (n) { nodes.push({ id: n.id, name: n.name, href: n.href, works: n.works }); });
  var index = {};
  nodes.forEach(function (n, i) {
    index[n.id] = i;
    var angle = 2 * Math.PI * i / nodes.length;
    n.x = width / 2 + (i === 0 ? 0 : 150 * Math.cos(angle));
    n.y = height / 2 + (i === 0 ? 0 : 150 * Math.sin(angle));
    n.vx = 0; n.vy = 0;
  });
  var links = data.nodes.map(function (n) { return { s: 0, t: index[n.id], w: n.works }; });
  data.links.forEach(function (l) {
    if (l.source in index && l.target in index) { links.push({ s: index[l.source], t: index[l.target], w: l.works }); }
  });

  // Fruchterman-Reingold: every pair repels (k^2/d), linked nodes attract (d^2/k), and the largest
  // step shrinks as the layout cools. The person stays in the middle.
  var k = Math.sqrt(width * height / Math.max(1, nodes.length)) * 0.75;
  var steps = 400, heat = width / 8;
  for (var step = 0; step < steps; step++) {
    nodes.forEach(function (n) { n.dx = 0; n.dy = 0; });
    for (var i = 0; i < nodes.length; i++) {
      for (var j = i + 1; j < nodes.length; j++) {
        var dx = nodes[i].x - nodes[j].x, dy = nodes[i].y - nodes[j].y;
        var d = Math.max(0.5, Math.sqrt(dx * dx + dy * dy)), f = k * k / d;
        nodes[i].dx += dx / d * f; nodes[i].dy += dy / d * f;
        nodes[j].dx -= dx / d * f; nodes[j].dy -= dy / d * f;
      }
    }
    links.forEach(function (l) {
      var a = nodes[l.s], b = nodes[l.t];
      var dx = a.x - b.x, dy = a.y - b.y, d = Math.max(0.5, Math.sqrt(dx * dx + dy * dy));
      var f = d * d / k * (l.s === 0 ? 0.6 : 0.25);
      a.dx -= dx / d * f; a.dy -= dy / d * f; b.dx += dx / d * f; b.dy += dy / d * f;
    });
    var t = heat * (1 - step / steps) + 0.5;
    nodes.forEach(function (n) {
      if (n.center) { n.x = width / 2; n.y = height / 2; return; }
      n.dx += (width / 2 - n.x) * 0.02 * k; n.dy += (height / 2 - n.y) * 0.02 * k;
      var len = Math.max(0.01, Math.sqrt(n.dx * n.dx + n.dy * n.dy));
      n.x = Math.max(16, Math.min(width - 16, n.x + n.dx / len * Math.min(len, t)));
      n.y = Math.max(16, Math.min(height - 16, n.y + n.dy / len * Math.min(len, t)));
    });
  }
  // Names for the person and the closest coauthors; everyone's name is in the tooltip.
  var ranked = nodes.slice(1).sort(function (a, b) { return b.works - a.works; });
  var labelled = {};
  ranked.slice(0, 10).forEach(function (n) { labelled[n.id] = true; });
  labelled[nodes[0].id] = true;

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    parent.appendChild(e);
    return e;
  }
  var edges = el("g", { "class": "links" }, svg);
  links.forEach(function (l) {
    el("line", { x1: nodes[l.s].x.toFixed(1), y1: nodes[l.s].y.toFixed(1), x2: nodes[l.t].x.toFixed(1),
                 y2: nodes[l.t].y.toFixed(1), "stroke-width": Math.min(6, 0.6 + l.w * 0.6).toFixed(1) }, edges);
  });
  var layer = el("g", { "class": "nodes" }, svg);
  nodes.forEach(function (n) {
    var a = el("a", { href: n.href }, layer);
    var c = el("circle", { cx: n.x.toFixed(1), cy: n.y.toFixed(1), r: n.center ? 9 : (4 + Math.min(6, n.works)),
                           "class": n.center ? "center" : "coauthor", "data-id": n.id }, a);
    el("title", {}, c).textContent = n.name + (n.center ? "" : " (" + n.works + ")");
    // textContent, never innerHTML: names come from sources.
    if (labelled[n.id]) {
      el("text", { x: (n.x + 8).toFixed(1), y: (n.y + 3).toFixed(1) }, a).textContent = n.name;
    }
  });
  svg.setAttribute("data-rendered", "true");
  svg.setAttribute("data-nodes", String(nodes.length));
  svg.setAttribute("data-links", String(links.length));
}());
