/* The copy button beside a calendar feed link (templates/crm/_feed_link.html): shown only with
   JavaScript, copies the link and says so in the status beside it. Loaded once per feed on a
   page, so it marks the buttons it has set up. */
(function () {
  "use strict";

  function copied(button) {
    var status = document.querySelector('[data-copy-status="' + button.getAttribute("data-copy") + '"]');
    if (status) { status.textContent = button.getAttribute("data-copied") || ""; }
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
      if (button.hasAttribute("data-copy-ready")) { return; }
      button.setAttribute("data-copy-ready", "");
      var field = document.getElementById(button.getAttribute("data-copy"));
      if (!field) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(function () { copied(button); });
          return;
        }
        field.focus();
        field.select();
        try { if (document.execCommand("copy")) { copied(button); } } catch (e) { /* the field stays selected */ }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
