"""Forms of the public pages (no login): the answer, the preferences, a fresh link."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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


class PreferencesForm(DescribedFieldsMixin, forms.Form):
    subscribed = forms.BooleanField(label=_("Yes, send me invitations to knowledge sessions"), required=False)
    language = forms.ChoiceField(label=_("Language of our mail"), choices=Language.choices)


class FreshLinkForm(DescribedFieldsMixin, forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"))
