// Live updates: one EventSource per page on the portal's /live (server-sent events fed by NATS,
// filtered by the user's role and properties). A new or changed complaint refreshes the desk's
// queue (#queue listens for "refresh-queue"), a task the department's queue ("refresh-tasks");
// both refresh the bell. The browser reconnects by itself (retry: 2 s) after a drop.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var pending = {};
  function fire(name, wait) {
    if (pending[name]) return;  // a burst of events: one refresh
    pending[name] = setTimeout(function () {
      delete pending[name];
      if (window.htmx) window.htmx.trigger(document.body, name);
    }, wait);
  }
  function start() {
    var es = new EventSource("/live");
    es.addEventListener("ready", function () { document.body.dataset.live = "on"; });
    es.addEventListener("complaint", function () { fire("refresh-queue", 150); fire("refresh-bell", 1200); });
    es.addEventListener("task", function () { fire("refresh-tasks", 150); fire("refresh-bell", 1200); });
    es.addEventListener("notification", function () { fire("refresh-bell", 50); });
    es.addEventListener("signed-out", function () { es.close(); window.location.reload(); });
    es.onerror = function () { document.body.dataset.live = "off"; };
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
