/* The one employer picker: every <input data-employer-lookup="URL" list="..."> gets its native
   <datalist> filled from the lookup as the user types (legal name, trade name, KvK number, place
   or postcode). Keyboard and screen reader support come with the browser's datalist; each option
   ends in "#id", which the server reads back. Without JS the input still takes an exact name. */
(function () {
  "use strict";
  function picker(input) {
    var lookup = input.getAttribute("data-employer-lookup");
    var list = input.list;
    var timer = null;
    if (!lookup || !list) return;
    function search() {
      fetch(lookup + "?q=" + encodeURIComponent(input.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { employers: [] }; })
        .then(function (data) {
          list.innerHTML = "";
          (data.employers || []).forEach(function (e) {
            var opt = document.createElement("option");
            opt.value = e.label;
            list.appendChild(opt);
          });
        });
    }
    input.addEventListener("input", function () {
      if (/#\d+\s*$/.test(input.value)) return; // an option was chosen
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () {
      if (!list.options.length) search();
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-employer-lookup]"), picker);
})();
