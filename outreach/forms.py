"""Forms of the staff pages: a session with its speakers, publish/cancel, the audience picker,
check-in and the AWVN confirmation. Choices always come from the user's own regions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.forms import form_field
from crm.models import Region
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import ContactPerson, Network, SbiSection, Stage
from employers.services_networks import normalise_tags
from outreach.models import Event

if TYPE_CHECKING:
    from crm.types import AuthUser

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def write_regions(user: AuthUser) -> Any:
    """The regions in which ``user`` may organise sessions and invite (adviser, coordinator)."""
    return Region.objects.writable_by(user).order_by("code")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class HttpsURLField(forms.URLField):
    """A link typed without a scheme is taken as https (Django 6's default)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class EventForm(DescribedFieldsMixin, forms.ModelForm):
    """Times are entered and shown in Europe/Amsterdam (the project's TIME_ZONE)."""

    region = RegionChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=None)

    class Meta:
        model = Event
        fields = [
            "region", "title", "description", "starts_at", "ends_at", "venue_name", "venue_address",
            "online_url", "practical_info", "capacity", "linkedin_url", "next_step", "open_registration",
        ]  # fmt: skip
        field_classes = {"online_url": HttpsURLField, "linkedin_url": HttpsURLField}
        widgets = {
            "starts_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "description": forms.Textarea(attrs={"rows": 5}),
            "practical_info": forms.Textarea(attrs={"rows": 3}),
            "next_step": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "starts_at": _("Date and time in Amsterdam time."),
            "ends_at": _("Date and time in Amsterdam time."),
            "venue_address": _("Street, number and place. Leave empty for an online session."),
            "online_url": _("The meeting link for an online or hybrid session."),
            "practical_info": _("Parking, entrance, accessibility: sent the day before."),
            "linkedin_url": _("The LinkedIn event, if there is one."),
        }

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("starts_at", "ends_at"):
            form_field(self, name, forms.DateTimeField).input_formats = DATETIME_FORMATS
        regions = write_regions(user)
        form_field(self, "region", RegionChoiceField).queryset = regions
        if self.instance.pk:
            # A session stays in its region; the organiser cannot move it.
            del self.fields["region"]
        elif regions.count() == 1:
            self.fields["region"].initial = regions.first()
            self.fields["region"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The session must end after it starts."))
        return data

    def _post_clean(self) -> None:
        """The service validates and saves; skip the ModelForm writing onto the instance."""


class PublishForm(forms.Form):
    register_with_awvn = forms.BooleanField(
        label=_("Register with AWVN"),
        required=False,
        initial=True,
        help_text=_("Mails the AWVN adviser the session with a calendar file, for the national agenda."),
    )


class PostponeForm(DescribedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Shown on the session page and in the mail to everyone who said yes."),
    )


class CancelForm(DescribedFieldsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Shown on the session page and in the cancellation mail."),
    )


def person_label(person: ContactPerson) -> str:
    return f"{person.name} · {person.employer.display_name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PersonsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class Attendance:
    ANY = ""
    ATTENDED = "attended"
    NEVER = "never"

    CHOICES = [
        (ANY, _("Anyone")),
        (ATTENDED, _("Attended an earlier session")),
        (NEVER, _("Never attended a session")),
    ]


class AudienceForm(DescribedFieldsMixin, forms.Form):
    """The audience picker. Submitted by GET for the preview; the same fields ride along,
    hidden, in the POST that sends."""

    regions = forms.MultipleChoiceField(
        label=_("Regions"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Employers in these regions. None ticked: all your regions."),
    )
    stages = forms.MultipleChoiceField(
        label=_("Network stages"), choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sbi_sections = forms.MultipleChoiceField(
        label=_("SBI sections"),
        choices=SbiSection.choices,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    networks = forms.ModelMultipleChoiceField(
        label=_("Networks"),
        queryset=Network.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Employers in any of these networks of your regions."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=900,
        help_text=_("Employers with any of these tags; separate tags with commas, e.g. horeca, techniek."),
    )
    attendance = forms.ChoiceField(
        label=_("Previous attendance"), choices=Attendance.CHOICES, required=False, widget=forms.RadioSelect
    )
    earlier_event = forms.ModelChoiceField(
        label=_("Earlier session"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=_("any earlier session"),
        help_text=_("With 'Attended an earlier session': only those who came to this one."),
    )
    persons = PersonsChoiceField(
        label=_("Hand-picked contact persons"),
        queryset=ContactPerson.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Added to whoever the filters find. Hold Ctrl (or Cmd) to choose several."),
    )

    def __init__(self, *args: Any, user: AuthUser, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user, self.event = user, event
        form_field(self, "regions", forms.MultipleChoiceField).choices = [
            (r.code, f"{r.code} {r.name}") for r in write_regions(user)
        ]
        form_field(self, "networks", forms.ModelMultipleChoiceField).queryset = Network.objects.editable_by(
            user
        ).order_by("region_id", "name", "pk")
        form_field(self, "earlier_event", forms.ModelChoiceField).queryset = (
            Event.objects.editable_by(user).public().exclude(pk=event.pk).order_by("-starts_at")
        )
        self.fields["persons"].widget.attrs["data-option-filter"] = _("Search by name or employer")
        form_field(self, "persons", PersonsChoiceField).queryset = (
            ContactPerson.objects.invitable_by(user)
            .select_related("employer")
            .order_by("employer__legal_name", "name", "pk")
        )

    def clean_tags(self) -> list[str]:
        try:
            return normalise_tags(self.cleaned_data.get("tags") or "")
        except ValidationError as error:  # keyed "tags" by the employers' rule
            raise forms.ValidationError(error.message_dict["tags"]) from error

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        if not (
            data.get("regions")
            or data.get("stages")
            or data.get("sbi_sections")
            or data.get("networks")
            or data.get("tags")
            or data.get("attendance")
            or data.get("persons")
        ):
            raise forms.ValidationError(_("Choose at least one filter, or pick people by hand."))
        if data.get("earlier_event") and data.get("attendance") != Attendance.ATTENDED:
            self.add_error("earlier_event", _("Choose 'Attended an earlier session' to use this."))
        return data


class WalkInForm(DescribedFieldsMixin, forms.Form):
    contact_person = PersonChoiceField(
        label=_("Contact person"),
        queryset=ContactPerson.objects.none(),
        help_text=_("Someone from an employer of this region who came without an invitation."),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = form_field(self, "contact_person", PersonChoiceField)
        field.widget.attrs["data-option-filter"] = _("Search by name or employer")
        # Not a user's scope but the session's: the event came from ``editable_by``, and a
        # walk-in is someone of the session's own region (the service checks visibility again).
        field.queryset = (
            ContactPerson.objects.filter(employer__region=event.region_id)
            .exclude(invitations__event=event)
            .select_related("employer")
            .order_by("employer__legal_name", "name", "pk")
        )


class AwvnConfirmForm(DescribedFieldsMixin, forms.Form):
    reference = forms.CharField(label=_("AWVN reference"), max_length=100)
