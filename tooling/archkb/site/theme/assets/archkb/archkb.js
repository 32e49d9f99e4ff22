/* archkb: an exact id ("ADR-0011") finds that record first. lunr's query parser reads a hyphen before
   a word as "must not contain" (ADR -0011), so the record asked for was the one left out. The query
   sent to Material's search worker ({type: 2, data: query}) gets "+0011 ADR" instead: the number is
   required, so the record whose title holds both words ranks first (a tag "adr" no longer outranks it). */
(function () {
  if (typeof Worker === "undefined") { return; }
  var post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message) {
    var args = Array.prototype.slice.call(arguments);
    if (message && message.type === 2 && typeof message.data === "string") {
      args[0] = {type: 2, data: message.data.replace(/\b([A-Za-z]+)-([0-9]+)\b/g, "+$2 $1")};
    }
    return post.apply(this, args);
  };
})();

/* archkb: lists that scan. A filter box (.archkb-filter) filters the tables after it by the text of
   their rows; every header sorts its column (click again: descending). Both are kept in the URL
   (?q=words&sort=column&dir=desc), so a filtered, sorted list can be bookmarked and shared. */
(function () {
  function slug(text) { return text.trim().toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""); }
  function setParam(name, value) {
    var url = new URL(window.location.href);
    if (value) { url.searchParams.set(name, value); } else { url.searchParams.delete(name); }
    history.replaceState(history.state, "", url.toString());
  }
  function cellText(row, index) {
    var cell = row.children[index];
    return cell ? cell.textContent.trim() : "";
  }
  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    if (/^-?[0-9.]+$/.test(a) && /^-?[0-9.]+$/.test(b) && !isNaN(x) && !isNaN(y)) { return x - y; }
    return a.localeCompare(b, undefined, {sensitivity: "base", numeric: true});
  }
  function sortTable(table, key, desc) {
    var heads = Array.prototype.slice.call(table.querySelectorAll("thead th"));
    var index = heads.findIndex(function (th) { return slug(th.textContent) === key; });
    if (index < 0) { return false; }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { if (r.dataset.archkbOrder === undefined) { r.dataset.archkbOrder = i; } });
    rows.sort(function (a, b) {
      var c = compare(cellText(a, index), cellText(b, index)) || (a.dataset.archkbOrder - b.dataset.archkbOrder);
      return desc ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    heads.forEach(function (th, i) {
      th.setAttribute("aria-sort", i === index ? (desc ? "descending" : "ascending") : "none");
    });
    return true;
  }
  function setup() {
    var params = new URLSearchParams(window.location.search);
    document.querySelectorAll("input.archkb-filter").forEach(function (input) {
      if (input.dataset.archkbReady) { return; }
      input.dataset.archkbReady = "1";
      var scope = input.closest(".md-typeset") || document.body;
      var tables = Array.prototype.slice.call(scope.querySelectorAll("table")).filter(function (t) {
        return input.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING;
      });
      if (!tables.length) { return; }
      function apply() {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        tables.forEach(function (table) {
          Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
            var text = row.textContent.toLowerCase();
            row.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
          });
        });
      }
      tables.forEach(function (table) {
        table.classList.add("archkb-list");
        Array.prototype.forEach.call(table.querySelectorAll("thead th"), function (th) {
          var key = slug(th.textContent);
          if (!key) { return; }
          th.tabIndex = 0;
          th.setAttribute("aria-sort", "none");
          th.title = "Sort by " + th.textContent.trim();
          function click() {
            var current = new URLSearchParams(window.location.search);
            var desc = current.get("sort") === key && current.get("dir") !== "desc";
            tables.forEach(function (t) { sortTable(t, key, desc); });
            setParam("sort", key);
            setParam("dir", desc ? "desc" : "");
          }
          th.addEventListener("click", click);
          th.addEventListener("keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") { e.preventDefault(); click(); }
          });
        });
      });
      if (params.get("q")) { input.value = params.get("q"); }
      if (params.get("sort")) {
        tables.forEach(function (t) { sortTable(t, params.get("sort"), params.get("dir") === "desc"); });
      }
      apply();
      input.addEventListener("input", function () { apply(); setParam("q", input.value.trim()); });
    });
  }
  if (typeof document$ !== "undefined") { document$.subscribe(setup); }
  else { document.addEventListener("DOMContentLoaded", setup); }
})();

/* archkb: a minimal full-size viewer for diagrams, with pan and zoom. The SVG stays in an
   <object>, so its node links (target _top) still open the records. No library, no other host. */
(function () {
  var PT = 4 / 3;  /* CSS px per SVG user unit (Graphviz draws in points) */
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }
  function open(href, title, opener) {
    var box = el("div", "archkb-viewer");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-modal", "true");
    box.setAttribute("aria-label", title || "Diagram");
    var bar = el("div", "archkb-viewer__bar");
    bar.appendChild(el("span", "archkb-viewer__title", title || "Diagram"));
    var hint = el("span", "archkb-viewer__hint", "Drag to pan, wheel or + / - to zoom, click a box to open it");
    var zin = el("button", "", "+"), zout = el("button", "", "\u2212"), fit = el("button", "", "Fit"),
        one = el("button", "", "1:1"), file = el("a", "", "SVG file"), close = el("button", "", "Close");
    zin.setAttribute("aria-label", "Zoom in");
    zout.setAttribute("aria-label", "Zoom out");
    file.href = href;
    [hint, zin, zout, fit, one, file, close].forEach(function (b) { bar.appendChild(b); });
    var stage = el("div", "archkb-viewer__stage");
    var obj = el("object");
    obj.type = "image/svg+xml";
    obj.data = href;
    obj.setAttribute("aria-label", title || "Diagram");
    stage.appendChild(obj);
    box.appendChild(bar);
    box.appendChild(stage);
    document.body.appendChild(box);
    document.documentElement.classList.add("archkb-viewer-open");
    close.focus();
    var svg = null, base = null, view = null;
    function scale() { return stage.clientWidth / view.w; }
    function apply() {
      view.h = view.w * stage.clientHeight / Math.max(1, stage.clientWidth);
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    }
    function setScale(s, cx, cy) {
      if (!svg) { return; }
      var old = scale();
      s = Math.max(0.05, Math.min(s, 8 * PT));
      cx = cx === undefined ? stage.clientWidth / 2 : cx;
      cy = cy === undefined ? stage.clientHeight / 2 : cy;
      var ux = view.x + cx / old, uy = view.y + cy / old;
      view.w = stage.clientWidth / s;
      view.x = ux - cx / s;
      view.y = uy - cy / s;
      apply();
    }
    function reset(natural) {
      var fitScale = Math.min(stage.clientWidth / base.w, stage.clientHeight / base.h);
      var s = natural ? PT : fitScale;
      view = {x: base.x, y: base.y, w: stage.clientWidth / s, h: 0};
      /* centre the drawing, or its top when it is taller than the window at this scale */
      view.x = base.x + (base.w - view.w) / 2;
      var visible = stage.clientHeight / s;
      view.y = base.h > visible ? base.y : base.y + (base.h - visible) / 2;
      apply();
    }
    function onKey(e) {
      if (e.key === "Escape") { e.preventDefault(); done(); }
      else if (!svg) { return; }
      else if (e.key === "+" || e.key === "=") { e.preventDefault(); setScale(scale() * 1.25); }
      else if (e.key === "-") { e.preventDefault(); setScale(scale() / 1.25); }
      else if (e.key.indexOf("Arrow") === 0) {
        e.preventDefault();
        var step = 60 / scale();
        if (e.key === "ArrowLeft") { view.x -= step; } else if (e.key === "ArrowRight") { view.x += step; }
        else if (e.key === "ArrowUp") { view.y -= step; } else { view.y += step; }
        apply();
      }
    }
    function done() {
      document.removeEventListener("keydown", onKey);
      window.removeEventListener("resize", onResize);
      box.remove();
      document.documentElement.classList.remove("archkb-viewer-open");
      if (opener) { opener.focus(); }
    }
    function onResize() { if (svg) { apply(); } }
    function wire(doc) {
      var drag = null, moved = false;
      doc.addEventListener("keydown", onKey);
      doc.addEventListener("wheel", function (e) {
        e.preventDefault();
        setScale(scale() * Math.exp(-e.deltaY * 0.0015), e.clientX, e.clientY);
      }, {passive: false});
      doc.addEventListener("pointerdown", function (e) {
        drag = {x: e.clientX, y: e.clientY};
        moved = false;
      });
      doc.addEventListener("pointermove", function (e) {
        if (!drag) { return; }
        var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        if (!moved && Math.abs(dx) + Math.abs(dy) < 4) { return; }
        moved = true;
        var s = scale();
        view.x -= dx / s;
        view.y -= dy / s;
        drag = {x: e.clientX, y: e.clientY};
        apply();
      });
      doc.addEventListener("pointerup", function () { drag = null; });
      /* a drag that ends on a box is not a click on it */
      doc.addEventListener("click", function (e) {
        if (moved) { e.preventDefault(); e.stopPropagation(); moved = false; }
      }, true);
    }
    obj.addEventListener("load", function () {
      var doc = obj.contentDocument;
      if (!doc || !doc.documentElement || !doc.documentElement.viewBox) { return; }
      svg = doc.documentElement;
      var vb = svg.viewBox.baseVal;
      base = {x: vb.x, y: vb.y, w: vb.width || 1, h: vb.height || 1};
      svg.setAttribute("width", "100%");
      svg.setAttribute("height", "100%");
      svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
      svg.style.cursor = "grab";
      var fitScale = Math.min(stage.clientWidth / base.w, stage.clientHeight / base.h);
      reset(fitScale < PT * 0.75);
      wire(doc);
    });
    zin.addEventListener("click", function () { setScale(scale() * 1.25); });
    zout.addEventListener("click", function () { setScale(scale() / 1.25); });
    fit.addEventListener("click", function () { if (svg) { reset(false); } });
    one.addEventListener("click", function () { if (svg) { reset(true); } });
    close.addEventListener("click", done);
    document.addEventListener("keydown", onKey);
    window.addEventListener("resize", onResize);
  }
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a.archkb-open") : null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
    e.preventDefault();
    open(a.getAttribute("href"), a.getAttribute("data-archkb-viewer"), a);
  });
})();
