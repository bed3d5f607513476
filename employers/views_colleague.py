"""The public interest form behind "Kent u een collega-werkgever?" (no login; see
``employers.colleague``). A forged or altered link is refused with a clear page; a POST is
throttled per client address and a filled-in honeypot is refused, like the public registration
of a knowledge session."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from crm.forms import HONEYPOT, HoneypotForm, apply_errors
from crm.throttling import public_allow
from employers import colleague
from employers.contacts.forms import DescribedFieldsMixin

TEMPLATES = "employers/colleague"


class ColleagueForm(DescribedFieldsMixin, HoneypotForm):
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    postcode = forms.CharField(
        label=_("Postcode of your organisation"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    kvk_number = forms.CharField(label=_("KvK number"), max_length=20, required=False)
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    message = forms.CharField(
        label=_("What would you like to know?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    consent_mail = forms.BooleanField(
        label=_("Yes, you may send me mail about future knowledge sessions."),
        required=False,
        help_text=_("Optional. Without it we only contact you about this question."),
    )


def _form_page(
    request: HttpRequest, referrer: colleague.Referrer, form: ColleagueForm, status: int = 200
) -> HttpResponse:
    form.describe_fields()
    return render(request, f"{TEMPLATES}/form.html", {"referrer": referrer, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def colleague_form(request: HttpRequest, token: str) -> HttpResponse:
    referrer = colleague.referrer_of(token)
    if referrer is None:
        return render(request, f"{TEMPLATES}/link_invalid.html", status=400)
    if request.method == "GET":
        return _form_page(request, referrer, ColleagueForm())
    if not public_allow(request, "colleague"):
        return render(request, "outreach/public/throttled.html", status=429)
    form = ColleagueForm(request.POST)
    if request.POST.get(HONEYPOT):
        return render(request, f"{TEMPLATES}/refused.html", status=400)
    if not form.is_valid():
        return _form_page(request, referrer, form, status=400)
    data = form.answers()
    try:
        colleague.colleague_interest(referrer=referrer, language=translation.get_language()[:2], **data)
    except ValidationError as error:  # a postcode or KvK number the service cannot read
        apply_errors(form, error)
        return _form_page(request, referrer, form, status=400)
    return render(request, f"{TEMPLATES}/sent.html", {"referrer": referrer})
