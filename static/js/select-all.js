/* "Select all on this page" on the employer list (templates/employers/list.html): a header
   checkbox, shown only with JavaScript, ticks or clears every row's box of the bulk form. */
(function () {
  "use strict";

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-select-all]"), function (all) {
      var name = all.getAttribute("data-select-all");
      var boxes = document.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
      all.hidden = false;
      all.addEventListener("change", function () {
        Array.prototype.forEach.call(boxes, function (box) { box.checked = all.checked; });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
