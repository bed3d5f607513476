"""Forms of the speaker pool: a session's speaker rows (picked from the pool, or typed and added
to it), a pool entry, and the pool's search. Choices come from the scoped querysets only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms import form_field
from crm.models import Region
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import SbiSection
from outreach.models import Event, PoolSpeaker, SpeakerKind
from outreach.services.speakers import contact_person_choices

if TYPE_CHECKING:
    from crm.types import AuthUser


def pool_label(speaker: PoolSpeaker) -> str:
    employer = speaker.employer
    where = getattr(employer, "display_name", "") or speaker.organisation
    parts = [speaker.display_name, str(speaker.get_kind_display()), where, speaker.region.name]
    return " · ".join(part for part in parts if part)


def pool_for(user: AuthUser) -> Any:
    return PoolSpeaker.objects.visible_to(user).select_related("region", "contact_person__employer")


class SpeakerForm(DescribedFieldsMixin, forms.Form):
    # Choices from the pool the organiser sees, read once for the whole formset (not per row).
    pool_speaker = forms.TypedChoiceField(
        label=_("From the speaker pool"), coerce=int, required=False, empty_value=None
    )
    # Empty: the pool entry's kind (picked), else "other" (typed).
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "–"), *SpeakerKind.choices], required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    bio = forms.CharField(label=_("Short bio"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    add_to_pool = forms.BooleanField(label=_("Add this speaker to the pool of the session's region"), required=False)
    consent = forms.BooleanField(
        label=_("The speaker agreed to be listed for other regions"),
        required=False,
        help_text=_("Recorded with today's date. Without it, only your region sees the speaker."),
    )

    def __init__(self, *args: Any, pool: dict[int, PoolSpeaker], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = pool
        choices = [("", _("Not from the pool: type below")), *((pk, pool_label(s)) for pk, s in pool.items())]
        form_field(self, "pool_speaker", forms.TypedChoiceField).choices = choices

    def clean_pool_speaker(self) -> PoolSpeaker | None:
        pk = self.cleaned_data.get("pool_speaker")
        return self.pool[pk] if pk is not None else None


class BaseSpeakerFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        self.pool = {s.pk: s for s in pool_for(user).order_by("name", "pk")}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "pool": self.pool}


SpeakerFormSet = forms.formset_factory(
    SpeakerForm, formset=BaseSpeakerFormSet, extra=2, can_delete=True, max_num=20, validate_max=True
)


def speaker_formset(user: AuthUser, data: Any = None, event: Event | None = None) -> Any:
    initial = None
    if event is not None and data is None:
        initial = [
            {"pool_speaker": s.pool_speaker_id, "kind": s.kind, "name": s.name, "bio": s.bio}
            for s in event.speakers.all()
        ]
    formset = SpeakerFormSet(data, initial=initial, prefix="speakers", user=user)  # type: ignore[call-arg]  # BaseSpeakerFormSet takes the user
    for form in formset.forms:
        form.describe_fields()
    return formset


def speakers_from(formset: Any) -> list[dict[str, Any]]:
    return [
        dict(f.cleaned_data)
        for f in formset.forms
        if f.cleaned_data
        and (f.cleaned_data.get("name") or f.cleaned_data.get("pool_speaker"))
        and not f.cleaned_data.get("DELETE")
    ]


class PoolSpeakerForm(DescribedFieldsMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Home region"), queryset=Region.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label=_("Kind of story"), choices=SpeakerKind.choices)
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=PoolSpeaker.objects.none(),
        required=False,
        help_text=_("For an employer's practice story: the person of the employer who tells it."),
    )
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("For a person who is not a contact person.")
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    topics = forms.CharField(
        label=_("Topics"), max_length=800, required=False, help_text=_("Separate topics with commas.")
    )
    story = forms.CharField(label=_("Their story"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    willing_regions = forms.ModelMultipleChoiceField(
        label=_("Regions where willing to speak"),
        queryset=Region.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    consent = forms.BooleanField(
        label=_("The speaker agreed to be listed for other regions"),
        required=False,
        help_text=_("Recorded with when. Without it, only the home region sees the speaker."),
    )
    listed_consent_note = forms.CharField(
        label=_("How the consent was given"),
        max_length=300,
        required=False,
        help_text=_("For example: by e-mail of 3 March."),
    )

    def __init__(self, *args: Any, user: AuthUser, speaker: PoolSpeaker | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.writable_by(user)
        form_field(self, "contact_person", forms.ModelChoiceField).queryset = contact_person_choices(user)
        if speaker is not None:
            del self.fields["region"]  # the home region stays


class PoolSearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of story"), choices=[("", _("Any")), *SpeakerKind.choices], required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("Any")), *SbiSection.choices], required=False)
    near = forms.CharField(
        label=_("Near"), max_length=100, required=False, help_text=_("A place or a region, e.g. Utrecht.")
    )
    topic = forms.CharField(label=_("Topic"), max_length=60, required=False)
