// Draws the coauthor network of a person page into <svg id="coauthor-network"> from the JSON in
// <script id="network-data">: a small force-directed layout, no libraries, run for a fixed number of
// steps so that the picture is the same on every load.
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

  // Spring embedder: repulsion between all nodes, springs along links, a pull to the centre.
  for (var step = 0; step < 300; step++) {
    var cool = 1 - step / 300;
    for (var i = 0; i < nodes.length; i++) {
      for (var j = i + 1; j < nodes.length; j++) {
        var dx = nodes[j].x - nodes[i].x, dy = nodes[j].y - nodes[i].y;
        var d2 = dx * dx + dy * dy + 0.01, f = 900 / d2;
        nodes[i].vx -= dx * f; nodes[i].vy -= dy * f; nodes[j].vx += dx * f; nodes[j].vy += dy * f;
      }
    }
    links.forEach(function (l) {
      var a = nodes[l.s], b = nodes[l.t];
      var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) + 0.01;
      var f = 0.02 * (d - 90) / d;
      a.vx += dx * f; a.vy += dy * f; b.vx -= dx * f; b.vy -= dy * f;
    });
    nodes.forEach(function (n) {
      n.vx += (width / 2 - n.x) * 0.005; n.vy += (height / 2 - n.y) * 0.005;
      if (n.center) { n.vx = 0; n.vy = 0; }
      var speed = Math.sqrt(n.vx * n.vx + n.vy * n.vy), limit = 12 * cool + 0.5;
      if (speed > limit) { n.vx *= limit / speed; n.vy *= limit / speed; }
      n.x = Math.max(20, Math.min(width - 20, n.x + n.vx));
      n.y = Math.max(20, Math.min(height - 20, n.y + n.vy));
      n.vx *= 0.5; n.vy *= 0.5;
    });
  }

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
    el("text", { x: (n.x + 8).toFixed(1), y: (n.y + 3).toFixed(1) }, a).textContent = n.name;
  });
  svg.setAttribute("data-rendered", "true");
  svg.setAttribute("data-nodes", String(nodes.length));
  svg.setAttribute("data-links", String(links.length));
}());
