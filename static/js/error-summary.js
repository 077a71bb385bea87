// The error summary (templates/includes/form_errors.html): move the focus to it
// when the page loads, so a screen reader reads the problems first and a
// keyboard user tabs straight to the links. A link in it focuses its field.
// The page works without this script.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    event.preventDefault();
    // The label (or legend) is scrolled into view with the box, not cut off above it.
    var holder = target.closest(".field") || target;
    holder.scrollIntoView();
    target.focus({ preventScroll: true });
  });
})();
