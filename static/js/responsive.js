/* Small screens: the menu button, table cells labelled from their column headers (tables show
   as cards under 600 px) and filter panels that start closed on a phone. Loaded in <head>
   (tiny, CSP-safe file) so the "js" class is set before the first paint; without JavaScript
   the menu simply stays open and the tables still stack. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var narrow = window.matchMedia("(max-width: 600px)");

  function labelTables() {
    var tables = document.querySelectorAll("table.table");
    Array.prototype.forEach.call(tables, function (table) {
      var heads = table.querySelectorAll("thead th");
      if (!heads.length) { return; }
      Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
        Array.prototype.forEach.call(row.children, function (cell, i) {
          if (!cell.hasAttribute("data-label") && heads[i]) {
            cell.setAttribute("data-label", heads[i].textContent.trim());
          }
        });
      });
    });
  }

  function menu() {
    var button = document.querySelector(".nav-toggle");
    var panel = document.getElementById("site-menu");
    if (!button || !panel) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("open", open);
    });
  }

  function filterPanels() {
    // Open on a desk; on a phone closed unless a filter is in use (the template then opens it).
    Array.prototype.forEach.call(document.querySelectorAll("details.filter-panel"), function (d) {
      if (!narrow.matches) { d.open = true; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    menu();
    labelTables();
    filterPanels();
  });
})();
