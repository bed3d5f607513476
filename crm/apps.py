from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("WSP CRM core")

    def ready(self) -> None:
        # One datetime rule for every ModelSerializer of every app (crm/fields.py), instead of
        # a field declared again in each serializer.
        from django.db import models
        from rest_framework.serializers import ModelSerializer

        import crm.mfa  # noqa: F401 - connects the sign-in handler (two-factor state in the session)
        from crm.fields import ApiDateTimeField

        ModelSerializer.serializer_field_mapping[models.DateTimeField] = ApiDateTimeField
