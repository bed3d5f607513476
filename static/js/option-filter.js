/* Long pick lists (hand-picked contact persons, walk-ins): a search box above a <select>
   marked data-option-filter hides the options that do not match. Chosen options stay visible.
   Without JavaScript the plain select still works. */
(function () {
  "use strict";
  var selects = document.querySelectorAll("select[data-option-filter]");
  Array.prototype.forEach.call(selects, function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-filter";
    box.className = "option-filter";
    box.setAttribute("autocomplete", "off");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "visually-hidden";
    label.textContent = select.getAttribute("data-option-filter");
    box.placeholder = select.getAttribute("data-option-filter");
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        var match = !needle || option.selected || option.text.toLowerCase().indexOf(needle) !== -1;
        option.hidden = !match;
      });
    });
  });
})();
