from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from crm import mfa_views, mfa_webauthn, sso, views
from crm.api import build_router
from crm.api_views import TokenView
from crm.views_sender import RegionSenderView

# django-otp-webauthn's routes, with the ceremonies that finish a sign-in or an enrolment ours.
webauthn_urls = [
    path("registration/begin/", mfa_webauthn.BeginRegistration.as_view(),
         name="credential-registration-begin"),
    path("registration/complete/", mfa_webauthn.CompleteRegistration.as_view(),
         name="credential-registration-complete"),
    path("authentication/begin/", mfa_webauthn.BeginAuthentication.as_view(),
         name="credential-authentication-begin"),
    path("authentication/complete/", mfa_webauthn.CompleteAuthentication.as_view(),
         name="credential-authentication-complete"),
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"),
]  # fmt: skip

# The API's description is for signed-in engineers, not the public (SERVE_PERMISSIONS in the
# settings answers 403 to an anonymous schema request; the docs page sends the browser to the
# log-in). Swagger UI in its split form: the page loads its start-up script from the same URL
# (?script), so it runs under the site's CSP without an inline script or an exemption.
_docs = SpectacularSwaggerSplitView.as_view(url_name="api-schema")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A URL nothing matches: JSON under /api/ (as the schema declares for every 404), the
    site's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


handler404 = not_found

urlpatterns = [
    # Home is today's work, read from every app: reports may import them, crm may not.
    path("", include("reports.urls_home")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("login/", sso.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", mfa_views.verify, name="mfa-verify"),
    path("account/security-key/", include((webauthn_urls, "otp_webauthn"))),  # crm/mfa_webauthn.py
    path("account/security-key/added/", mfa_webauthn.key_added, name="mfa-key-added"),
    # Single sign-on (crm/sso.py), 404 when off; signing out is the CRM's own log-out.
    path("oidc/authenticate/", sso.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", sso.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("account/two-factor/", mfa_views.setup, name="mfa-setup"),
    path("account/security/", mfa_views.security, name="mfa-security"),
    path("account/security/recovery-codes/", mfa_views.new_recovery_codes, name="mfa-recovery-codes"),
    path("account/security/sign-out-everywhere/", mfa_views.sign_out_everywhere, name="mfa-sign-out-everywhere"),
    path("account/security/reset/", mfa_views.reset_list, name="mfa-reset-list"),
    path("account/security/reset/<int:user_id>/", mfa_views.reset, name="mfa-reset"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("regions/<str:code>/sender/", RegionSenderView.as_view(), name="region-sender"),
    path("employers/", include("employers.urls")),
    # A contact person's data-subject rights (outreach knows every table that names them).
    path("employers/contact-persons/", include("outreach.urls_privacy")),
    path("events/", include("outreach.urls")),
    path("agenda/", include("outreach.urls_agenda")),  # public, no login
    path("verhalen/", include("employers.urls_stories")),  # employer stories and FAQ: public, staff under beheer/
    path("candidates/", include("candidates.urls")),
    path("reports/", include("reports.urls")),
    path("api/v1/stats/", include("reports.api_urls")),
    path("api/v1/auth/token/", TokenView.as_view(), name="api-token"),
    path("api/v1/", include(build_router().urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", _docs if settings.DEBUG else login_required(_docs), name="api-docs"),
]
