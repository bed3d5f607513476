"""Forms of the candidate pages. Free-text fields carry the health-data warning as their help."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import HEALTH_WARNING, Candidate, EndReason, MatchState, Method, Outcome
from crm.fields import PLACEMENT_DATES, TRAJECTORY_DATES, date_range
from crm.forms import form_field
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import Accommodation, Opening, OpeningState, SbiSection

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AccommodationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class CandidateForm(DescribedFieldsMixin, forms.ModelForm):
    sbi_sections = forms.MultipleChoiceField(
        label=_("Sectors wished"), choices=SbiSection.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    work_kinds = forms.CharField(
        label=_("Kinds of work"),
        required=False,
        max_length=600,
        help_text=_("Separate with commas, for example: warehouse, gardening, reception."),
    )
    accommodations_needed = AccommodationChoiceField(
        label=_("Accommodations needed"),
        queryset=Accommodation.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_given = forms.BooleanField(
        label=_("The candidate consented to this record"),
        required=False,
        help_text=_("Record consent before you share anything with an employer."),
    )

    class Meta:
        model = Candidate
        fields = [
            "real_name", "pc4", "hours_min", "hours_max", "max_travel_km", "available_from", "disclosure",
            "disclosure_note", "notes", "state", "trajectory_start", "trajectory_end",
        ]  # fmt: skip
        widgets = {
            "available_from": DATE,
            "trajectory_start": DATE,
            "trajectory_end": DATE,
            "pc4": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}", "autocomplete": "off"}),
            "disclosure_note": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"pc4": _("Only the 4 digits, for example 1012.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidate = self.instance
        if candidate.pk:
            self.fields["sbi_sections"].initial = candidate.sbi_sections
            self.fields["work_kinds"].initial = ", ".join(candidate.work_kinds)
            self.fields["accommodations_needed"].initial = list(candidate.accommodations_needed.all())
            self.fields["consent_given"].initial = candidate.consent_recorded_at is not None
        else:
            del self.fields["state"]
        self.fields["disclosure_note"].help_text = HEALTH_WARNING
        self.fields["notes"].help_text = HEALTH_WARNING

    def clean_work_kinds(self) -> list[str]:
        return [kind.strip() for kind in self.cleaned_data["work_kinds"].split(",") if kind.strip()][:20]

    def service_data(self) -> dict[str, Any]:
        """What the services take: the model fields plus the derived consent time."""
        data = dict(self.cleaned_data)
        consent = data.pop("consent_given")
        before = self.instance.consent_recorded_at if self.instance.pk else None
        data["consent_recorded_at"] = (before or timezone.now()) if consent else None
        return data


class MatchQueryForm(forms.Form):
    """The filters of the ranked list (GET)."""

    max_km = forms.IntegerField(label=_("Max distance (km)"), required=False, min_value=1, max_value=200)
    only_with_openings = forms.BooleanField(label=_("Only with a fitting opening"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False, choices=[("", _("All sectors")), *SbiSection.choices])


class MatchStateForm(forms.Form):
    employer = forms.IntegerField(widget=forms.HiddenInput)
    opening = forms.IntegerField(widget=forms.HiddenInput, required=False)
    state = forms.ChoiceField(label=_("State"), choices=MatchState.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    outside_list_reason = forms.CharField(label=_("Reason outside the list"), max_length=300, required=False)


class PlacementForm(DescribedFieldsMixin, forms.Form):
    employer = forms.IntegerField(widget=forms.HiddenInput)
    opening = forms.ModelChoiceField(label=_("Opening"), queryset=Opening.objects.none(), required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE, validators=[date_range(PLACEMENT_DATES)])
    hours_per_week = forms.IntegerField(label=_("Hours per week"), min_value=1, max_value=60)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.IPS)

    def __init__(self, *args: Any, employer_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if employer_id:
            # The employer was resolved through the candidate's matches (PlacementCreateView):
            # its own openings are the scope here.
            form_field(self, "opening", forms.ModelChoiceField).queryset = Opening.objects.filter(
                employer_id=employer_id
            ).exclude(state=OpeningState.CLOSED)


class DurableCheckForm(forms.Form):
    months = forms.TypedChoiceField(choices=[(6, "6"), (12, "12")], coerce=int)
    still_working = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )


class PlacementEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DATE, validators=[date_range(PLACEMENT_DATES)])
    end_reason = forms.ChoiceField(label=_("Reason"), choices=EndReason.choices)
    end_note = forms.CharField(label=_("Note"), max_length=300, required=False, help_text=HEALTH_WARNING)


class TrajectoryStartForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices, initial=Method.IPS)
    start_date = forms.DateField(label=_("Start date"), widget=DATE, validators=[date_range(TRAJECTORY_DATES)])


class TrajectoryEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DATE, validators=[date_range(TRAJECTORY_DATES)])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
