// The docs site's lineage graph (streamt-sdk docs): reads the graph from the page's JSON block, has ELK
// (elk.bundled.js, loaded before this file) lay it out, and draws it as SVG. Every name reaches the page
// through textContent or setAttribute, never as markup.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var container = document.getElementById("graph");
  var status = document.getElementById("graph-status");
  var graph = JSON.parse(document.getElementById("streamt-graph").textContent);

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (parent) parent.appendChild(e);
    return e;
  }

  // Labels are measured as the browser draws them, so ELK sizes each box to its text.
  var measure = el("svg", { width: 0, height: 0, class: "measure" }, document.body);
  function textWidth(text, cls) {
    var t = el("text", { class: cls }, measure);
    t.textContent = text;
    var w = t.getComputedTextLength();
    measure.removeChild(t);
    return Math.ceil(w);
  }

  var labels = {};
  function box(id, lines, kind, extra) {
    labels[id] = { lines: lines, kind: kind, extra: extra || {} };
    var width = Math.max.apply(null, lines.map(function (l, i) { return textWidth(l, i === 0 ? "kind" : "name"); }));
    return { id: id, width: width + 20, height: 14 + 16 * lines.length };
  }

  // Ids are built from positions, never from names: any name is safe as an ELK id and an SVG attribute.
  var nodeId = {};
  var topicId = {};
  graph.topics.forEach(function (t, i) { topicId[t.topic] = "t" + i; });
  var edges = [];
  var children = graph.pipelines.map(function (p, pi) {
    nodeId[pi] = {};
    p.nodes.forEach(function (n, ni) { nodeId[pi][n.path] = "p" + pi + "n" + ni; });
    var nodes = p.nodes.map(function (n) {
      var id = nodeId[pi][n.path];
      n.inputs.forEach(function (input, k) { edges.push({ id: id + "e" + k, sources: [nodeId[pi][input]], targets: [id] }); });
      if (n.kind === "source" && n.topic !== null) edges.push({ id: id + "r", sources: [topicId[n.topic]], targets: [id] });
      if (n.kind === "sink" && n.topic !== null) edges.push({ id: id + "w", sources: [id], targets: [topicId[n.topic]] });
      return box(id, [n.kind, n.path.split("/").pop()], "step", { path: n.path, pipeline: p.name });
    });
    var head = box("p" + pi, [p.name], "pipeline");
    return {
      id: "p" + pi,
      children: nodes,
      layoutOptions: {
        "elk.padding": "[top=30,left=12,bottom=12,right=12]",
        "elk.nodeSize.constraints": "MINIMUM_SIZE",
        "elk.nodeSize.minimum": "(" + head.width + ", 40)",
      },
    };
  });
  graph.topics.forEach(function (t) { children.push(box(topicId[t.topic], ["topic", t.topic], "topic")); });

  var root = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.layered.spacing.nodeNodeBetweenLayers": "40",
      "elk.spacing.nodeNode": "20",
      // Every coordinate relative to the whole drawing, whichever box a node or an edge is in.
      "elk.json.shapeCoords": "ROOT",
      "elk.json.edgeCoords": "ROOT",
    },
    children: children,
    edges: edges,
  };

  function draw(layout) {
    document.body.removeChild(measure);
    var svg = el("svg", { width: layout.width, height: layout.height, viewBox: "0 0 " + layout.width + " " + layout.height, id: "graph-svg" });
    var defs = el("defs", {}, svg);
    var marker = el("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow" }, marker);
    var edgeLayer = el("g", { class: "edges" });

    // A pipeline's box and its steps link to the pipeline's section.
    function drawNode(n, parent, anchor) {
      var label = labels[n.id];
      var g = el("g", { class: "node " + label.kind, transform: "translate(" + n.x + "," + n.y + ")" }, parent);
      el("rect", { width: n.width, height: n.height, rx: 4 }, g);
      label.lines.forEach(function (line, i) {
        var t = el("text", { x: 10, y: 18 + 16 * i, class: i === 0 && label.kind !== "pipeline" ? "kind" : "name" }, g);
        t.textContent = line;
      });
      var title = el("title", {}, g);
      title.textContent = label.kind === "step" ? label.extra.pipeline + ": " + label.extra.path : label.lines.join(" ");
      if (n.children) anchor = graph.pipelines[Number(n.id.slice(1))].anchor;
      if (anchor) {
        g.setAttribute("data-anchor", anchor);
        g.addEventListener("click", function () { location.hash = anchor; });
      }
      (n.children || []).forEach(function (c) { drawNode(c, parent, anchor); });
    }

    function drawEdge(e) {
      (e.sections || []).forEach(function (s) {
        var points = [s.startPoint].concat(s.bendPoints || [], [s.endPoint]);
        el("polyline", { points: points.map(function (p) { return p.x + "," + p.y; }).join(" "), "marker-end": "url(#arrow)" }, edgeLayer);
      });
    }

    var nodeLayer = el("g", { class: "nodes" }, svg);
    layout.children.forEach(function (n) { drawNode(n, nodeLayer, null); });
    layout.edges.forEach(drawEdge);
    svg.appendChild(edgeLayer);
    container.replaceChildren(svg);
  }

  new ELK().layout(root).then(draw, function (e) {
    status.textContent = "The graph could not be drawn: " + (e && e.message ? e.message : String(e));
    throw e;
  });
})();
