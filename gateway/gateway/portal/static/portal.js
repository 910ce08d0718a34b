// PropOps portal: small behaviours on top of htmx (no build step).
(function () {
  "use strict";
  // No double submit: a form sends once; its buttons show a loading state until the answer.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    if (form.dataset.submitting === "1") { ev.preventDefault(); return; }
    form.dataset.submitting = "1";
    document.body.classList.add("is-loading");
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) {
      b.setAttribute("aria-busy", "true");
      if (b.dataset.loadingText) { b.dataset.text = b.textContent; b.textContent = b.dataset.loadingText; }
      // disabled after the submit event so the clicked button's name/value is still sent
      setTimeout(function () { b.disabled = true; }, 0);
    });
  }, true);
  // Back/forward cache or an htmx swap: forms become usable again.
  function reset(root) {
    (root || document).querySelectorAll("form[data-submitting]").forEach(function (f) {
      delete f.dataset.submitting;
      f.querySelectorAll("button[aria-busy]").forEach(function (b) {
        b.disabled = false; b.removeAttribute("aria-busy");
        if (b.dataset.text) b.textContent = b.dataset.text;
      });
    });
    document.body.classList.remove("is-loading");
  }
  window.addEventListener("pageshow", function () { reset(); });
  // htmx requests the user made (searches, in-place forms) show the loading bar too; background
  // refreshes (the bell, live queues) do not.
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var elt = ev.detail && ev.detail.elt;
    if (elt && elt.closest && elt.closest("form, input, select, textarea, button")) document.body.classList.add("is-loading");
  });
  document.addEventListener("htmx:afterRequest", function () { document.body.classList.remove("is-loading"); });
  document.addEventListener("htmx:afterRequest", function (ev) { reset(ev.target.closest ? ev.target.closest("form") && ev.target.closest("form").parentNode : null); });
  // The phone menu.
  document.addEventListener("click", function (ev) {
    var t = ev.target.closest && ev.target.closest("[data-menu-toggle]");
    if (!t) return;
    var nav = document.getElementById(t.getAttribute("aria-controls"));
    var open = nav.classList.toggle("open");
    t.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // Focus the first field with an error after a refused form.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) bad.focus();
  });
})();
