"""Forms of the public pages (no login): the answer, the preferences, a fresh link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms import HoneypotForm
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import Language
from outreach.models import Rsvp
from outreach.services.rsvp import MAX_PEOPLE_PER_ANSWER


class RsvpForm(DescribedFieldsMixin, forms.Form):
    rsvp = forms.ChoiceField(
        label=_("Will you come?"),
        choices=[(Rsvp.YES, _("Yes, I will come")), (Rsvp.MAYBE, _("Maybe")), (Rsvp.NO, _("No, I cannot come"))],
        widget=forms.RadioSelect,
    )
    people_count = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=MAX_PEOPLE_PER_ANSWER, initial=1
    )
    names = forms.CharField(
        label=_("Names of those coming"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("So we can make name badges."),
    )
    access_needs = forms.CharField(
        label=_("Access needs"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example wheelchair access, a quiet place, or a sign language interpreter."),
    )


class ShowOrganisationForm(DescribedFieldsMixin, forms.Form):
    show_organisation = forms.BooleanField(
        label=_("Show our organisation as participant"),
        required=False,
        help_text=_("Only the name of your organisation appears on the public page of this session."),
    )


class PreferencesForm(DescribedFieldsMixin, forms.Form):
    subscribed = forms.BooleanField(label=_("Yes, send me invitations to knowledge sessions"), required=False)
    language = forms.ChoiceField(label=_("Language of our mail"), choices=Language.choices)


class FreshLinkForm(DescribedFieldsMixin, forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))


class RegistrationForm(DescribedFieldsMixin, HoneypotForm):
    """Open registration on the public page (with the honeypot of ``HoneypotForm``)."""

    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation = forms.CharField(
        label=_("Organisation"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "organization"})
    )
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    kvk_number = forms.CharField(
        label=_("KvK number"),
        required=False,
        max_length=20,
        help_text=_("8 digits, so we recognise your organisation."),
    )
    postcode = forms.CharField(
        label=_("Postcode of your organisation"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    people_count = forms.IntegerField(
        label=_("Number of people"), min_value=1, max_value=MAX_PEOPLE_PER_ANSWER, initial=1
    )
    access_needs = RsvpForm.base_fields["access_needs"]
    consent_mail = forms.BooleanField(
        label=_("Yes, you may send me mail about future knowledge sessions."),
        required=False,
        help_text=_("Optional. Without it we only mail you about this registration. You can change it at any time."),
    )
    show_organisation = forms.BooleanField(
        label=_("Show our organisation as participant"),
        required=False,
        help_text=_(
            "Optional. Only the name of your organisation appears on this page, once you have confirmed. "
            "You can withdraw it on your personal page."
        ),
    )
