// "Show" beside every password box (templates/includes/field.html): the button
// is hidden until this script runs, so without it the box is a normal password
// box. Pressing it shows the password as plain text; pressing again hides it.
// A password is hidden again before the form is sent, so the browser never
// offers to remember it as ordinary text.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("button.show-password[aria-controls]");
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute("aria-controls"));
    if (!input) { return; }

    function set(shown) {
      input.type = shown ? "text" : "password";
      button.textContent = button.getAttribute(shown ? "data-hide-text" : "data-show-text");
      button.setAttribute("aria-label", button.getAttribute(shown ? "data-hide-label" : "data-show-label"));
    }

    button.hidden = false;
    button.addEventListener("click", function () { set(input.type === "password"); });
    if (input.form) { input.form.addEventListener("submit", function () { set(false); }); }
  });
})();
