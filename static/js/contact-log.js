/* Quick contact log: the employer's contact persons once one is chosen in the picker, and the
   in-person box for an event. */
(function () {
  "use strict";
  var form = document.getElementById("contact-form");
  if (!form) return;
  var lookup = form.getAttribute("data-lookup");
  var input = form.querySelector("#id_employer");
  var people = form.querySelector("#id_contact_person");
  var channel = form.querySelector("#id_channel");
  var inPerson = form.querySelector("#id_event_in_person");
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

  // The employer's options come from the one employer picker (employer-picker.js).
  input.addEventListener("input", function () {
    var id = idOf(input.value);
    if (id) { loadPeople(id); }
  });

  function toggleInPerson() {
    var field = inPerson.closest(".field");
    field.hidden = channel.value !== "event";
  }
  channel.addEventListener("change", toggleInPerson);
  toggleInPerson();
  chosen = idOf(input.value);
  if (!form.querySelector(".has-error")) { input.focus(); }
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
