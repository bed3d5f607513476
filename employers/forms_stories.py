"""Forms of the employer stories and the FAQ (staff), and the public pages' filter."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.forms import form_field
from crm.models import Region
from employers.contacts.forms import DescribedFieldsMixin
from employers.models import Employer, FaqEntry, SbiSection, Story
from employers.picker import employer_label, resolve_employer

if TYPE_CHECKING:
    from crm.types import AuthUser


class StoryForm(DescribedFieldsMixin, forms.Form):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    employer = forms.CharField(
        label=_("Employer"),
        max_length=300,
        required=False,
        help_text=_("The employer of your region the story is about: its name, or name #id."),
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "–"), *SbiSection.choices], required=False)
    quote = forms.CharField(label=_("Quote"), max_length=500, required=False)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    image = forms.FileField(label=_("Image"), required=False, help_text=_("JPEG, PNG or WebP, at most 2 MB."))
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    image_alt = forms.CharField(
        label=_("Image description (alt text)"),
        max_length=300,
        required=False,
        help_text=_("Required with an image: what it shows, for people who cannot see it."),
    )
    consent = forms.BooleanField(
        label=_("The employer agreed to publication"),
        required=False,
        help_text=_("Recorded with when. A story is published only with the employer's consent."),
    )
    employer_consent_note = forms.CharField(
        label=_("Consent given by"),
        max_length=300,
        required=False,
        help_text=_("Who gave it and how, e.g. Marieke de Vries, director, by e-mail."),
    )
    publish = forms.BooleanField(label=_("Published"), required=False)

    def __init__(self, *args: Any, user: AuthUser, story: Story | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employers = Employer.objects.editable_by(user)
        form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.writable_by(user)
        if story is not None:
            del self.fields["region"]  # a story stays in its region
            if not self.is_bound:
                self.initial.update(
                    {
                        "title": story.title, "sector": story.sector, "quote": story.quote, "text": story.text,
                        "image_alt": story.image_alt, "consent": story.employer_consent_at is not None,
                        "employer_consent_note": story.employer_consent_note, "publish": bool(story.published_at),
                        "employer": employer_label(story.employer) if story.employer else "",
                    }
                )  # fmt: skip
        if story is None or not story.has_image:
            del self.fields["remove_image"]

    def clean_employer(self) -> Employer | None:
        text = self.cleaned_data["employer"].strip()
        if not text:
            return None
        found = resolve_employer(self.employers, text)
        if found is None:
            raise forms.ValidationError(_("No employer of your regions by that name; give it as name #id."))
        return found

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        upload = data.pop("image", None)
        data["image"] = upload.read() if upload else None
        return data


class FaqForm(DescribedFieldsMixin, forms.ModelForm):
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), empty_label=None)
    publish = forms.BooleanField(label=_("Published"), required=False)

    class Meta:
        model = FaqEntry
        fields = ["region", "question_nl", "answer_nl", "question_en", "answer_en", "national", "position"]
        widgets = {"answer_nl": forms.Textarea(attrs={"rows": 4}), "answer_en": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, user: AuthUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "region", forms.ModelChoiceField).queryset = Region.objects.writable_by(user)
        if self.instance.pk:
            del self.fields["region"]
            self.fields["publish"].initial = bool(self.instance.published_at)

    def _post_clean(self) -> None:
        """The service validates and saves."""


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", _("All sectors")), *SbiSection.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.order_by("name"), required=False, empty_label=_("All regions")
    )

    def __init__(self, *args: Any, fixed_region: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed_region:
            del self.fields["region"]
