"""The quick contact log form: employer by autocomplete, defaults now + visit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.fields import CONTACT_DATES, FOLLOW_UP_DATES, DateTimeField, date_range
from crm.forms import form_field
from crm.models import Role
from crm.scoping import NETWORK_READ, has_role, members_of, users_visible_to
from employers.models import Channel, Contact, ContactPerson, Employer, Purpose
from employers.picker import employer_label, picked_id, resolve_employer

if TYPE_CHECKING:
    from crm.types import AuthUser

__all__ = ["employer_label"]  # re-exported: the picker's label is the form's value


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class DescribedFieldsMixin:
    """Tie help texts and errors to their inputs (aria-describedby, aria-invalid) for screen readers."""

    def describe_fields(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            ids = [f"{bound.id_for_label}-help"] if field.help_text else []
            if self.is_bound and name in self.errors:  # type: ignore[attr-defined]
                ids.append(f"{bound.id_for_label}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)


class ContactForm(DescribedFieldsMixin, forms.Form):
    employer = forms.CharField(
        label=_("Employer"),
        help_text=_("Type part of the name, KvK number, place or postcode and choose from the list."),
        widget=forms.TextInput(
            attrs={
                "list": "employer-options",
                "autocomplete": "off",
                "data-employer-lookup": reverse_lazy("employers:contact-lookup"),
            }
        ),
    )
    contact_person = forms.ModelChoiceField(
        label=_("Contact person"), queryset=ContactPerson.objects.none(), required=False
    )
    when = DateTimeField(
        label=_("When"),
        validators=[date_range(CONTACT_DATES)],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.VISIT)
    event_in_person = forms.BooleanField(
        label=_("Met in person at the event"), required=False, help_text=_("Counts as face to face.")
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    follow_up_on = forms.DateField(
        label=_("Follow up on"),
        validators=[date_range(FOLLOW_UP_DATES)],
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    follow_up_owner = UserChoiceField(
        label=_("Follow-up by"), queryset=get_user_model().objects.none(), required=False, empty_label=_("me")
    )
    follow_up_note = forms.CharField(label=_("What to do"), max_length=300, required=False)

    def __init__(self, *args: Any, user: AuthUser, employer: Employer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.employers = Employer.objects.visible_to(user)
        self.fields["when"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if has_role(user, {Role.GUIDE}) and not has_role(user, {Role.ADVISER, Role.COORDINATOR}):
            self.fields["purpose"].initial = Purpose.JOB_DEVELOPMENT
        if employer is not None:
            self.fields["employer"].initial = employer_label(employer)
        selected = employer or self._employer_from_data()
        if selected is not None:
            contact_person = form_field(self, "contact_person", forms.ModelChoiceField)
            contact_person.queryset = ContactPerson.objects.visible_to(user).filter(employer=selected)
        form_field(self, "follow_up_owner", forms.ModelChoiceField).queryset = users_visible_to(user)

    def _employer_from_data(self) -> Employer | None:
        pk = picked_id(self.data.get(self.add_prefix("employer"), "")) if self.is_bound else None
        return self.employers.filter(pk=pk).first() if pk is not None else None

    def clean_employer(self) -> Employer:
        # a picked option, or typed without choosing: an exact, unambiguous name or KvK number
        found = resolve_employer(self.employers, self.cleaned_data["employer"])
        if found is None:
            raise forms.ValidationError(_("Choose an employer from the list."))
        return found

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns; the stubs type that return "| None"
        if data.get("follow_up_owner") and not data.get("follow_up_on"):
            self.add_error("follow_up_on", _("Give a date for the follow-up."))
        return data


class ContactEditForm(DescribedFieldsMixin, forms.ModelForm):
    event_in_person = forms.BooleanField(label=_("Met in person at the event"), required=False)

    class Meta:
        model = Contact
        fields = ["contact_person", "when", "channel", "purpose", "summary", "outcome"]
        widgets = {
            "when": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "contact_person", forms.ModelChoiceField).queryset = ContactPerson.objects.visible_to(
            user
        ).filter(employer=self.instance.employer_id)
        form_field(self, "when", forms.DateTimeField).input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["event_in_person"].initial = self.instance.in_person


# --- The follow-up list: its filters, snooze and reassign -----------------------------------

_DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FollowUpFilterForm(DescribedFieldsMixin, forms.Form):
    """The list's filters (GET). Each value is checked here; anything else is ignored as absent."""

    scope = forms.ChoiceField(label=_("Whose"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    employer_name = forms.CharField(label=_("Employer"), required=False, max_length=100)
    employer = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    due_after = forms.DateField(
        label=_("Due from"), required=False, validators=[date_range(FOLLOW_UP_DATES)], widget=_DATE_WIDGET
    )
    due_before = forms.DateField(
        label=_("Due until"), required=False, validators=[date_range(FOLLOW_UP_DATES)], widget=_DATE_WIDGET
    )

    def __init__(
        self, *args: Any, regions: list[Any], scopes: list[tuple[str, Any]], owners: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "scope", forms.ChoiceField).choices = scopes
        form_field(self, "owner", forms.TypedChoiceField).choices = [
            ("", _("Anyone")),
            *((person.pk, person.get_full_name() or person.username) for person in owners),
        ]
        form_field(self, "region", forms.ChoiceField).choices = [
            ("", _("All my regions")),
            *((r.code, r.name) for r in regions),
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        after, before = data.get("due_after"), data.get("due_before")
        if after and before and after > before:
            self.add_error("due_before", _("The end of the period is before its start."))
        return data


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Days later"), choices=[(1, "1"), (7, "7")], coerce=int, required=False, empty_value=None
    )
    due_date = forms.DateField(
        label=_("New due date"), required=False, validators=[date_range(FOLLOW_UP_DATES)], widget=_DATE_WIDGET
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not self.errors and (data.get("days") is None) == (data.get("due_date") is None):
            raise forms.ValidationError(_("Choose one day later, one week later, or a date."))
        return data


class ReassignForm(forms.Form):
    """The new owner: someone with a network role in the follow-up's region (else "not a valid
    choice", the same answer for a user of another region as for a missing id)."""

    owner = UserChoiceField(label=_("Give to"), queryset=get_user_model().objects.none())

    def __init__(self, *args: Any, region: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "owner", UserChoiceField).queryset = members_of([region], NETWORK_READ).filter(is_active=True)
