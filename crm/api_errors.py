"""One error path for the API: services raise Django's exceptions, this handler turns them into
DRF's answers, so API views call services without try/except (the HackSoft styleguide's
``exception_handler`` pattern; ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``).

- ``django.core.exceptions.ValidationError`` -> 400, keyed by field (``message_dict``) or under
  ``non_field_errors`` when the service names no field;
- ``django.core.exceptions.PermissionDenied`` -> 403 with the service's message;
- ``ObjectDoesNotExist`` / ``Http404`` -> 404 (the same answer as DRF's own look-ups);
- a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` -> 413, too many form fields -> 400, as JSON (Django
  answers both with its HTML error page, which an API client cannot read).

Everything else goes to DRF's handler unchanged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "payload_too_large"


def as_api_exception(error: Exception) -> Exception:
    """The DRF exception a Django one stands for (others unchanged)."""
    if isinstance(error, RequestDataTooBig):
        mib = number_format(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024, 1)  # "2,5" in Dutch
        return PayloadTooLarge(_("The request is larger than the %(mib)s MB the API accepts.") % {"mib": mib})
    if isinstance(error, TooManyFieldsSent):
        return exceptions.ParseError(_("The request has more fields than the API accepts."))
    if isinstance(error, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(error))
    if isinstance(error, DjangoPermissionDenied):
        # An empty PermissionDenied() keeps DRF's default wording.
        return exceptions.PermissionDenied(str(error) or None)
    if isinstance(error, ObjectDoesNotExist | Http404):
        return exceptions.NotFound()
    return error


def exception_handler(error: Exception, context: dict[str, Any]) -> Response | None:
    return drf_exception_handler(as_api_exception(error), context)
