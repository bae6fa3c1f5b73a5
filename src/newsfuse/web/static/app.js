// newsfuse pages: citations open and highlight their sentence; compare pairs light up together.
// Loaded as a file (the Content-Security-Policy allows no inline script). Pages work without it.
"use strict";

(function () {
  var current = [];

  function clearMarks() {
    current.forEach(function (el) { el.classList.remove("hl"); });
    current = [];
  }

  function reveal(el) {
    var d = el.closest("details");
    while (d) {
      d.open = true;
      d = d.parentElement ? d.parentElement.closest("details") : null;
    }
  }

  function show(id, scroll) {
    var el = document.getElementById(id);
    if (!el) { return false; }
    clearMarks();
    reveal(el);
    el.classList.add("hl");
    current.push(el);
    if (scroll) { el.scrollIntoView({ block: "center", behavior: "smooth" }); }
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-cite]");
    if (link) {
      var id = link.getAttribute("data-cite");
      if (show(id, true)) {
        event.preventDefault();
        if (window.history && history.replaceState) { history.replaceState(null, "", "#" + id); }
      }
      return;
    }
    var sentence = event.target.closest(".compare-page .sentence.aligned");
    if (sentence) {
      var pair = sentence.getAttribute("data-pair");
      clearMarks();
      document.querySelectorAll('.compare-page .sentence[data-pair="' + pair + '"]').forEach(function (el) {
        el.classList.add("hl");
        current.push(el);
        if (el !== sentence) { el.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
      });
      if (event.target.closest(".pair-link")) { event.preventDefault(); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash.length > 1) { show(decodeURIComponent(location.hash.slice(1)), true); }
    document.querySelectorAll("form.filter-form select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  });
})();
