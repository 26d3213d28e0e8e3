/* Progressive enhancement only: every page works without this file. (Wide tables scroll in boxes that the
 * server already marks as keyboard-reachable, named regions: kim.templatetags.kim.scroll_region; no script
 * has to notice, after a resize or a late layout, that a box scrolls.) */

/* Busy state for long work (meeting bundle PDF, CSV upload): an element with data-busy="…" shows
 * that text, is disabled and aria-busy while the work runs, and the live region #busy-status
 * (base.html) announces it. A form's button: until the next page arrives. A download link: until
 * the answer sets the cookie kim_download to the token sent as ?fertig= (committee.views.download_done),
 * at most two minutes. Without JavaScript the link and the form work as before. */
(function () {
  "use strict";
  function announce(text) {
    var region = document.getElementById("busy-status");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    }
  }
  function setBusy(el, on) {
    if (on) {
      el.setAttribute("data-label", el.textContent);
      el.textContent = el.getAttribute("data-busy");
      el.setAttribute("aria-busy", "true");
      el.setAttribute("aria-disabled", "true");
      el.classList.add("is-busy");
      if (el.tagName === "BUTTON") el.disabled = true;
      announce(el.getAttribute("data-busy"));
    } else {
      el.textContent = el.getAttribute("data-label") || el.textContent;
      el.removeAttribute("aria-busy");
      el.removeAttribute("aria-disabled");
      el.classList.remove("is-busy");
      if (el.tagName === "BUTTON") el.disabled = false;
    }
  }
  function cookieValue(name) {
    var parts = document.cookie.split("; ");
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(name + "=") === 0) return parts[i].slice(name.length + 1);
    }
    return "";
  }
  function onLink(event) {
    var link = event.currentTarget;
    if (link.classList.contains("is-busy")) { event.preventDefault(); return; }
    var token = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("fertig", token);
    link.href = url.toString();
    setBusy(link, true);
    var started = Date.now();
    var timer = window.setInterval(function () {
      var done = cookieValue("kim_download") === token;
      if (done || Date.now() - started > 120000) {
        window.clearInterval(timer);
        setBusy(link, false);
        if (done) announce(link.getAttribute("data-done") || "");
      }
    }, 500);
  }
  function onSubmit(event) {
    var form = event.currentTarget;
    var button = form.querySelector("[data-busy]");
    if (!button) return;
    if (button.classList.contains("is-busy")) { event.preventDefault(); return; }
    form.setAttribute("aria-busy", "true");
    // disabled only after the submit has started: a disabled button would not be submitted
    window.setTimeout(function () { setBusy(button, true); }, 0);
  }
  function init() {
    var links = document.querySelectorAll("a[data-busy]");
    for (var i = 0; i < links.length; i++) links[i].addEventListener("click", onLink);
    var buttons = document.querySelectorAll("form [data-busy]");
    for (var j = 0; j < buttons.length; j++) {
      var form = buttons[j].form || buttons[j].closest("form");
      if (form) form.addEventListener("submit", onSubmit);
    }
  }
  document.addEventListener("DOMContentLoaded", init);
  // back from a download or a bfcache restore: nothing is busy any more
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var busy = document.querySelectorAll(".is-busy");
    for (var i = 0; i < busy.length; i++) setBusy(busy[i], false);
  });
})();

/* At phone width the list filters start folded; their summary names the active filters. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 600px)").matches) return;
    var folds = document.querySelectorAll("details.filter-fold");
    for (var i = 0; i < folds.length; i++) folds[i].open = false;
  });
})();
