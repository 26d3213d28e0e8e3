/* Progressive enhancement only: every page works without this file.
 * Scrollable regions (wide tables in cards) become reachable by keyboard (WCAG 2.1.1) and get a
 * name for screen readers, taken from the nearest heading or the table caption. */
(function () {
  "use strict";
  function labelFor(el) {
    var h = el.querySelector("caption, h2, h3");
    if (!h) {
      var prev = el.previousElementSibling;
      if (prev && /^H[1-4]$/.test(prev.tagName)) h = prev;
    }
    return h ? h.textContent.trim() : "Tabelle";
  }
  function markScrollable() {
    var regions = document.querySelectorAll(".card, .table-container, .scroll-x");
    for (var i = 0; i < regions.length; i++) {
      var el = regions[i];
      if (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight) {
        if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "0");
        if (!el.hasAttribute("role")) el.setAttribute("role", "region");
        if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
          el.setAttribute("aria-label", labelFor(el));
        }
      }
    }
  }
  document.addEventListener("DOMContentLoaded", markScrollable);
  window.addEventListener("resize", markScrollable);
})();
