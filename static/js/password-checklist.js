// Ticks the password rules as the child types and shows how strong it is.
// The rules are the server's: each item comes from AUTH_PASSWORD_VALIDATORS and
// the server checks what is typed (data-check-url); nothing is decided here
// except "typed the same way twice". The page works without this script.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".password-rules[data-check-url]");
  Array.prototype.forEach.call(boxes, function (box) {
    var list = box.querySelector("[data-checklist-for]");
    var input = list && document.getElementById(list.getAttribute("data-checklist-for"));
    if (!input || !window.fetch) { return; }
    var form = input.form;
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    var matchItem = list.querySelector("[data-match]");
    var other = matchItem && document.getElementById(matchItem.getAttribute("data-match"));
    var strength = box.querySelector("[data-strength]");
    var meter = strength && strength.querySelector("meter");
    var label = strength && strength.querySelector("[data-strength-label]");
    var timer = null;
    var asked = 0;
    var inFlight = null;
    var submitted = false;

    function tick(item, ok) {
      item.classList.toggle("ok", ok);
      var done = item.querySelector("[data-done]");
      if (done) { done.hidden = !ok; }
    }

    function matchUpdate() {
      if (matchItem) { tick(matchItem, input.value.length > 0 && other !== null && other.value === input.value); }
    }

    function show(result) {
      result.items.forEach(function (r) {
        var item = list.querySelector('[data-rule="' + r.rule + '"]');
        if (item) { tick(item, r.ok); }
      });
      if (strength) {
        strength.hidden = input.value.length === 0;
        meter.value = result.strength;
        label.textContent = result.label;
      }
    }

    function check() {
      var mine = ++asked;
      if (input.value.length === 0) {
        show({items: [], strength: 0, label: ""});
        Array.prototype.forEach.call(list.querySelectorAll("[data-rule]"), function (item) { tick(item, false); });
        return;
      }
      if (submitted) { return; }
      var body = new FormData();
      body.append("password", input.value);
      inFlight = window.AbortController ? new AbortController() : null;
      fetch(box.getAttribute("data-check-url"), {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRFToken": token ? token.value : ""},
        signal: inFlight ? inFlight.signal : undefined
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (result) { if (result && mine === asked) { show(result); } })
        .catch(function () { /* the server checks again on saving */ });
    }

    input.addEventListener("input", function () {
      matchUpdate();
      clearTimeout(timer);
      timer = setTimeout(check, 250);
    });
    if (other) { other.addEventListener("input", matchUpdate); }
    // Once the form is sent, the server checks it: no late look-up after that.
    if (form) {
      form.addEventListener("submit", function () {
        submitted = true;
        clearTimeout(timer);
        if (inFlight) { inFlight.abort(); }
      });
    }
    matchUpdate();
    if (input.value) { check(); }
  });
})();
