"""Forms of the employer network pages. They parse input; the services validate and save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm.forms import form_field
from crm.models import Region
from employers.contacts.forms import DescribedFieldsMixin, UserChoiceField
from employers.models import Accommodation, ContactPerson, Employer, Opening, Stage
from employers.services import owners_for

if TYPE_CHECKING:
    from crm.types import AuthUser


class AccommodationField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Accommodation.objects.all(), required=False, **kwargs)

    def label_from_instance(self, obj: Accommodation) -> str:
        return str(obj.label)


class ServiceValidatedForm(DescribedFieldsMixin, forms.ModelForm):
    """A ModelForm that leaves the model rules to the service (one set of messages, everywhere)."""

    def _post_clean(self) -> None:
        pass


class EmployerForm(ServiceValidatedForm):
    kvk_number = forms.CharField(
        label=_("KvK number"), required=False, max_length=20, help_text=_("8 digits, from the Chamber of Commerce.")
    )
    postcode = forms.CharField(label=_("postcode"), required=False, max_length=20, help_text=_("For example 1012 AB."))
    region = forms.ModelChoiceField(
        label=_("region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Suggest from the postcode"),
    )
    owner = UserChoiceField(label=_("owning adviser"), queryset=get_user_model().objects.none(), required=False)
    accommodations = AccommodationField(label=_("accommodations offered"))

    class Meta:
        model = Employer
        fields = [
            "legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website",
            "address", "postcode", "place", "region", "stage", "accommodations", "source", "owner",
            "do_not_contact", "do_not_contact_reason", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = form_field(self, "region", forms.ModelChoiceField)
        region.queryset = Region.objects.writable_by(user)
        form_field(self, "owner", forms.ModelChoiceField).queryset = owners_for(user)
        if self.instance.pk:
            # The stage has its own form, so that each change is one deliberate, recorded step.
            del self.fields["stage"]
            region.empty_label = None
        if not self.is_bound and not self.instance.pk:
            self.fields["owner"].initial = user.pk if owners_for(user).filter(pk=user.pk).exists() else None


class StageForm(DescribedFieldsMixin, forms.Form):
    stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)


class ContactPersonForm(ServiceValidatedForm):
    opted_out = forms.BooleanField(
        label=_("Does not want outreach mail"), required=False, help_text=_("Stops all invitations and newsletters.")
    )

    class Meta:
        model = ContactPerson
        fields = ["name", "function", "email", "phone", "language", "opted_out", "opt_out_source", "lawful_basis"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opted_out"].initial = self.instance.opted_out
        self.fields["lawful_basis"].help_text = _("Why we may keep this person's details, e.g. legitimate interest.")


class OpeningForm(ServiceValidatedForm):
    postcode = forms.CharField(
        label=_("postcode"), required=False, max_length=20, help_text=_("Empty: the employer's postcode.")
    )
    accommodations = AccommodationField(label=_("accommodations possible"))

    class Meta:
        model = Opening
        fields = [
            "title", "hours_min", "hours_max", "postcode", "start_date", "requirements", "accommodations",
            "trial_possible", "state",
        ]  # fmt: skip
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }
