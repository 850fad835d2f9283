/*! widget-edge embed loader. Usage:
 *  <script src="https://edge.example.com/v1/widget.js" data-client-key="pk_live_..."></script>
 * Reads the key from its own tag, asks the edge that served it for the widget's bootstrap, and
 * announces the result on the tag (the events bubble to document):
 *   widget-edge:ready  detail: the bootstrap JSON {key_id, account_id, agent_id}
 *   widget-edge:error  detail: {status} when the answer was readable, {reason: "network"} when the
 *                      browser blocked it (denials carry no CORS header, so a page on a foreign
 *                      origin cannot read them).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  function announce(name, detail) {
    var event;
    try {
      event = new CustomEvent(name, { detail: detail, bubbles: true });
    } catch (e) {
      event = document.createEvent("CustomEvent");
      event.initCustomEvent(name, true, false, detail);
    }
    script.dispatchEvent(event);
  }
  var key = script.getAttribute("data-client-key");
  if (!key) {
    announce("widget-edge:error", { status: 401, error: "missing_key" });
    return;
  }
  var edge = new URL(script.src, document.baseURI).origin;
  var url = edge + "/v1/widget/bootstrap?key=" + encodeURIComponent(key);
  fetch(url, { method: "GET", mode: "cors", credentials: "omit", cache: "no-store" })
    .then(function (response) {
      if (!response.ok) {
        announce("widget-edge:error", { status: response.status });
        return;
      }
      return response.json().then(function (bootstrap) {
        announce("widget-edge:ready", bootstrap);
      });
    })
    .catch(function () {
      announce("widget-edge:error", { reason: "network" });
    });
})();
