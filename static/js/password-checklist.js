// Ticks the password rules as the child types. The page works without it:
// the server checks every rule again.
(function () {
  "use strict";
  var lists = document.querySelectorAll("[data-checklist-for]");
  Array.prototype.forEach.call(lists, function (list) {
    var input = document.getElementById(list.getAttribute("data-checklist-for"));
    if (!input) { return; }
    var tests = {
      length: function (v) { return v.length >= 8; },
      lower: function (v) { return /[a-z]/.test(v); },
      digit: function (v) { return /[0-9]/.test(v); },
      match: function (v, item) {
        var other = document.getElementById(item.getAttribute("data-match"));
        return v.length > 0 && other !== null && other.value === v;
      }
    };
    function update() {
      Array.prototype.forEach.call(list.querySelectorAll("[data-rule]"), function (item) {
        var ok = tests[item.getAttribute("data-rule")](input.value, item);
        item.classList.toggle("ok", ok);
      });
    }
    input.addEventListener("input", update);
    var second = list.querySelector("[data-match]");
    if (second) {
      var other = document.getElementById(second.getAttribute("data-match"));
      if (other) { other.addEventListener("input", update); }
    }
    update();
  });
})();
