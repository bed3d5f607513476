/* The enrolment page's security key (templates/crm/mfa_setup.html): django-otp-webauthn's script
   runs the registration and says "otp_webauthn.register_complete" when the key is stored; this
   one then goes on to the page that shows the recovery codes (data-url). */
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    var done = document.getElementById("security-key-done");
    if (done) { window.location.assign(done.getAttribute("data-url")); }
  });
})();
