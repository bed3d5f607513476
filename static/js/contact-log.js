/* Quick contact log: employer autocomplete into a native <datalist> (keyboard and screen
   reader support come with the browser), and the employer's contact persons once chosen. */
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) return;
  var lookup = form.getAttribute("data-lookup");
  var input = form.querySelector("#id_employer");
  var list = document.getElementById("employer-options");
  var people = form.querySelector("#id_contact_person");
  var channel = form.querySelector("#id_channel");
  var inPerson = form.querySelector("#id_event_in_person");
  var timer = null;
  var chosen = null;

  function idOf(text) {
    var m = /#(\d+)\s*$/.exec(text || "");
    return m ? m[1] : null;
  }

  function fill(select, rows) {
    var keep = select.options[0];
    select.innerHTML = "";
    select.appendChild(keep);
    rows.forEach(function (row) {
      var opt = document.createElement("option");
      opt.value = row.id;
      opt.textContent = row.name;
      select.appendChild(opt);
    });
  }

  function loadPeople(id) {
    if (id === chosen) return;
    chosen = id;
    if (!id) { fill(people, []); return; }
    fetch(lookup + "?employer=" + encodeURIComponent(id), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { people: [] }; })
      .then(function (data) { fill(people, data.people || []); });
  }

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
    var id = idOf(input.value);
    if (id) { loadPeople(id); return; }
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });

  function toggleInPerson() {
    var field = inPerson.closest(".field");
    field.hidden = channel.value !== "event";
  }
  channel.addEventListener("change", toggleInPerson);
  toggleInPerson();
  chosen = idOf(input.value);
  if (!input.value) { search(); }
  if (!form.querySelector(".has-error")) { input.focus(); }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
