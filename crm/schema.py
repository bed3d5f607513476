"""The OpenAPI schema tells the truth about errors: every operation declares the error statuses
it answers, in one place instead of an ``extend_schema`` per view (issue 13, checked by
schemathesis' status-code conformance in tests/quality/test_api_fuzz.py).

- 400: a request body or query parameter failed validation (field-keyed messages);
- 403: signed in, but the role may read and not write (or no credentials at all);
- 404: missing, out of the caller's scope (the same answer on purpose), or a page past the end;
- 429: the view is throttled.
"""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from crm.fields import DateRangeValidator

_FIELD_ERRORS = {
    "type": "object",
    "description": "Messages per field name (non_field_errors for the request as a whole).",
    "additionalProperties": {},
}
_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}}
_DESCRIPTIONS = {
    "400": ("Invalid input", _FIELD_ERRORS),
    "403": ("Not allowed for your role, or not signed in", _DETAIL),
    "404": ("Not found, or outside your regions", _DETAIL),
    "429": ("Too many requests; try again later", _DETAIL),
}


# A web address as Django's URLValidator accepts it, narrowed to what a client should send
# (http(s), a host name with a top-level domain, a plain path). "format: uri" alone lets a
# generated client send "a:b", which the validator refuses.
URL_PATTERN = r"^https?://([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}(/[A-Za-z0-9._~/-]*)?$"


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{8}$", "example": "12345678"})
class KvkNumberField(serializers.CharField):
    """Plain text for the service to normalise, documented as the 8 digits it accepts."""


@extend_schema_field({"type": "string", "pattern": r"^[1-9][0-9]{3} ?[A-Za-z]{2}$", "example": "1012 AB"})
class PostcodeField(serializers.CharField):
    """Plain text for the service to normalise, documented as a Dutch postcode (blank: the
    schema generator adds that alternative for allow_blank itself)."""


class AutoSchema(openapi.AutoSchema):
    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        mapped = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.URLField) and direction == "request":
            pattern = URL_PATTERN if not field.allow_blank else f"({URL_PATTERN})|^$"
            mapped = {**mapped, "pattern": pattern}
        ranges = [v for v in getattr(field, "validators", ()) if isinstance(v, DateRangeValidator)]
        if ranges and direction == "request":
            # OpenAPI 3.0 has no minimum or maximum for a date string, and this range moves with
            # today: stated in words instead.
            rule = ranges[0]
            bound = f"From {rule.earliest:%Y-%m-%d} to {rule.years} years after today."
            mapped = {**mapped, "description": " ".join(filter(None, [mapped.get("description"), bound]))}
        return mapped

    def map_parsers(self) -> list[str]:
        # The documented interface is JSON. DRF also parses forms (the browsable API uses
        # them), but a form cannot say null, so a client generated for it would send "null".
        return ["application/json"]

    def _error_statuses(self) -> list[str]:
        view: Any = self.view
        public = all(isinstance(permission, AllowAny) for permission in view.get_permissions())
        statuses = ["400"] if self.method in ("POST", "PUT", "PATCH") or self._has_query_input() else []
        if not public:
            statuses += ["403", "404"]
        if view.get_throttles():
            statuses.append("429")
        return statuses

    def _has_query_input(self) -> bool:
        # Filters, pagination and the parameters a view declares itself (a serializer of query
        # parameters, an OpenApiParameter in the query) read the query string; a bad value there
        # is a 400 (or 404 for a page past the end, declared with the scoping 404 above).
        declared = [
            p
            for p in self.get_override_parameters()
            if not isinstance(p, OpenApiParameter) or p.location == OpenApiParameter.QUERY
        ]
        return self.method == "GET" and bool(
            self._get_filter_parameters() or self._get_pagination_parameters() or declared
        )

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in self._error_statuses():
            description, body = _DESCRIPTIONS[status]
            responses.setdefault(
                status, {"description": description, "content": {"application/json": {"schema": body}}}
            )
        return responses
