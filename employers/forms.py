"""Forms of the employer network pages. They parse input; the services validate and save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from crm.forms import form_field
from crm.models import Region
from crm.scoping import NETWORK_WRITE, members_of
from employers.contacts.forms import DescribedFieldsMixin, UserChoiceField
from employers.models import Accommodation, ContactPerson, Employer, Network, Opening, Stage
from employers.picker import employer_label, picked_id
from employers.proposals import GUIDE_STAGES
from employers.services import owners_for

if TYPE_CHECKING:
    from crm.types import AuthUser


class AccommodationField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Accommodation.objects.all(), required=False, **kwargs)

    def label_from_instance(self, obj: Accommodation) -> str:
        return str(obj.label)


class NetworkChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Network) -> str:
        return f"{obj.name} ({obj.region.name})"


class NetworkForm(DescribedFieldsMixin, forms.Form):
    """A region's named network (``employers.services_networks``)."""

    region = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    name = forms.CharField(label=_("name"), max_length=120)
    description = forms.CharField(label=_("description"), max_length=300, required=False)

    def __init__(self, *args: Any, user: AuthUser, network: Network | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if network is not None:  # the region stays
            del self.fields["region"]
        else:
            form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.writable_by(user)


class ServiceValidatedForm(DescribedFieldsMixin, forms.ModelForm):
    """A ModelForm that leaves the model rules to the service (one set of messages, everywhere)."""

    def _post_clean(self) -> None:
        pass


class ReferrerForm(ServiceValidatedForm):
    """The referring employer typed or picked as "Name, place #id", among those the user sees,
    and its contact persons (the employer form's and the guide's proposal form's)."""

    instance: Employer

    def _set_referrer_choices(self, user: AuthUser) -> None:
        self.employers = Employer.objects.visible_to(user)
        referrer = self._referrer_id()
        people = ContactPerson.objects.visible_to(user).filter(employer_id=referrer) if referrer else None
        form_field(self, "referred_by_person", forms.ModelChoiceField).queryset = (
            people if people is not None else ContactPerson.objects.none()
        )
        if not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags or [])
            referred = self.instance.referred_by if self.instance.referred_by_id else self.initial.get("referred_by")
            self.initial["referred_by"] = employer_label(referred) if isinstance(referred, Employer) else ""

    def _referrer_id(self) -> int | None:
        if self.is_bound:
            return _referrer_id_from(self.data.get(self.add_prefix("referred_by"), ""))
        initial = self.initial.get("referred_by")
        return initial.pk if isinstance(initial, Employer) else self.instance.referred_by_id

    def clean_referred_by(self) -> Employer | None:
        """The referring employer, among those the user sees (anyone else's: "not found")."""
        text = self.cleaned_data["referred_by"].strip()
        if not text:
            return None
        found = None
        pk = _referrer_id_from(text)
        if pk is not None:
            found = self.employers.filter(pk=pk).first()
        else:  # typed without the id: an exact, unambiguous name
            named = list(self.employers.filter(legal_name__iexact=text)[:2]) or list(
                self.employers.filter(trade_name__iexact=text)[:2]
            )
            found = named[0] if len(named) == 1 else None
        if found is None:
            raise forms.ValidationError(_("No employer of your regions by that name; give it as name #id."))
        return found


class EmployerForm(ReferrerForm):
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
    networks = NetworkChoiceField(
        label=_("networks"),
        queryset=Network.objects.none(),
        required=False,
        help_text=_("Networks of the employer's own region."),
    )
    # Typed, or prefilled from the referrer's page, as "Name, place #id" (the contact log's way).
    referred_by = forms.CharField(
        label=_("referred by (employer)"),
        required=False,
        max_length=300,
        help_text=_("An employer of this region that pointed this one to us: its name, or name #id."),
    )
    referred_by_person = forms.ModelChoiceField(
        label=_("referred by (contact person)"), queryset=ContactPerson.objects.none(), required=False
    )
    tags = forms.CharField(
        label=_("tags"),
        required=False,
        max_length=900,
        help_text=_("Separate tags with commas, e.g. horeca, techniek."),
    )

    class Meta:
        model = Employer
        fields = [
            "legal_name", "trade_name", "kvk_number", "sbi_section", "sbi_code", "size_class", "website",
            "address", "postcode", "place", "region", "stage", "accommodations", "source", "owner",
            "do_not_contact", "do_not_contact_reason", "notes", "networks", "tags", "referred_by",
            "referred_by_person",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = form_field(self, "region", forms.ModelChoiceField)
        region.queryset = Region.objects.writable_by(user)
        form_field(self, "owner", forms.ModelChoiceField).queryset = owners_for(user)
        # The networks of the regions the user writes (the service keeps them to the employer's).
        networks = Network.objects.editable_by(user).select_related("region")
        form_field(self, "networks", forms.ModelMultipleChoiceField).queryset = networks
        self._set_referrer_choices(user)
        if self.instance.pk:
            # The stage has its own form, so that each change is one deliberate, recorded step.
            del self.fields["stage"]
            region.empty_label = None
        if not self.is_bound and not self.instance.pk:
            self.fields["owner"].initial = user.pk if owners_for(user).filter(pk=user.pk).exists() else None


class ProposeEmployerForm(ReferrerForm):
    """A trajectory guide's employer contact (``employers.proposals``), with its first contact person."""

    kvk_number = EmployerForm.base_fields["kvk_number"]
    postcode = EmployerForm.base_fields["postcode"]
    region = forms.ModelChoiceField(
        label=_("region"), queryset=Region.objects.none(), required=False, empty_label=_("Suggest from the postcode")
    )
    stage = forms.ChoiceField(label=_("network stage"), choices=[(s.value, s.label) for s in GUIDE_STAGES])
    owner = UserChoiceField(
        label=_("owning adviser"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Let the coordinator assign one"),
    )
    contact_name = forms.CharField(label=_("contact person: name"), required=False, max_length=200)
    contact_function = forms.CharField(label=_("contact person: function"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("contact person: e-mail"), required=False)
    contact_phone = forms.CharField(label=_("contact person: phone"), required=False, max_length=30)
    networks = EmployerForm.base_fields["networks"]
    tags = EmployerForm.base_fields["tags"]
    referred_by = EmployerForm.base_fields["referred_by"]
    referred_by_person = EmployerForm.base_fields["referred_by_person"]

    class Meta:
        model = Employer
        fields = [
            "legal_name", "trade_name", "kvk_number", "sbi_section", "size_class", "website", "address",
            "postcode", "place", "region", "stage", "owner", "notes", "networks", "tags", "referred_by",
            "referred_by_person",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.readable_by(user)
        form_field(self, "owner", forms.ModelChoiceField).queryset = owners_for(user)
        # The networks of the guide's regions (the service keeps them to the employer's own).
        networks = Network.objects.visible_to(user).select_related("region")
        form_field(self, "networks", forms.ModelMultipleChoiceField).queryset = networks
        self._set_referrer_choices(user)
        self.fields["notes"].help_text = _("How you know this employer, and what they might offer.")

    def service_arguments(self) -> dict[str, Any]:
        """``employer_propose``'s keyword arguments from the cleaned data."""
        data = dict(self.cleaned_data)
        person = {name: data.pop(f"contact_{name}") for name in ("name", "function", "email", "phone")}
        return {**data, "contact_person": person}


class ReviewForm(DescribedFieldsMixin, forms.Form):
    """An adviser's decision on an employer in "new in the network"."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("merge", _("Merge into an existing employer")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    owner = UserChoiceField(
        label=_("owning adviser"), queryset=get_user_model().objects.none(), required=False, empty_label=_("unchanged")
    )
    # The id of an employer of the same region (the page offers the likely duplicates); the view
    # resolves it through the region's scope, so another region's id is a 404 like a missing one.
    other = forms.IntegerField(label=_("Merge into"), required=False, min_value=1)

    def __init__(self, *args: Any, employer: Employer, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The advisers and coordinators of the employer's region (anyone else: "not a valid choice").
        owners = members_of([employer.region_id], NETWORK_WRITE).filter(pk__in=owners_for(user).values("pk"))
        form_field(self, "owner", forms.ModelChoiceField).queryset = owners


def _referrer_id_from(text: str) -> int | None:
    return picked_id(text or "")


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
