"""The device API: poles send readings and events with their own bearer token.

A hot path: the body is read and checked without DRF's parsers and serializers (validation for
5,000 readings in plain Python is several times faster); DRF's APIView is kept for the
OpenAPI schema only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from smartcity import selectors, services
from smartcity.ingest import PayloadError, decode_body

RETRY_AFTER_SECONDS = 30

_accepted = inline_serializer(
    "IngestAccepted",
    {
        "accepted": serializers.IntegerField(),
        "rejected": inline_serializer(
            "RejectedItem",
            {
                "index": serializers.IntegerField(),
                "code": serializers.CharField(),
                "error": serializers.CharField(),
            },
            many=True,
        ),
    },
)
_message = inline_serializer("IngestError", {"message": serializers.CharField()})
_responses = {
    202: OpenApiResponse(_accepted, description="Accepted items are stored; rejected are not."),
    400: OpenApiResponse(
        _message,
        description="Not JSON, nested too deeply, too large or not this shape; nothing accepted.",
    ),
    401: OpenApiResponse(_message, description="Missing, unknown or revoked pole token."),
    503: OpenApiResponse(_message, description="Database unavailable; retry after Retry-After."),
}


def _error(message: str, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"message": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class _IngestApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    # The body is read as JSON below; this makes the schema say so (no form bodies).
    parser_classes = [JSONParser]
    ingest = staticmethod(services.readings_ingest)

    def post(self, request):
        # Devices choose their language with Accept-Language (the site's URLs default to German).
        with translation.override(translation.get_language_from_request(request)):
            return self._post(request)

    def _post(self, request):
        try:
            pole = selectors.pole_for_token(request.headers.get("Authorization", ""))
            if pole is None:
                return _error(_("Missing, unknown or revoked pole token."), 401)
            try:
                result = self.ingest(pole=pole, body=decode_body(request.body))
            except RequestDataTooBig:
                return _error(
                    _("The body is too large: at most {n} bytes.").format(
                        n=settings.DATA_UPLOAD_MAX_MEMORY_SIZE
                    ),
                    400,
                )
            except PayloadError as exc:
                return _error(exc.message, 400)
        except (OperationalError, InterfaceError):
            return _error(
                _("The database cannot take data right now; nothing was accepted."),
                503,
                Retry_After=str(RETRY_AFTER_SECONDS),
            )
        return JsonResponse(result.as_json(), status=202)


class ReadingsApi(_IngestApi):
    ingest = staticmethod(services.readings_ingest)

    @extend_schema(
        summary="Send readings of a pole",
        tags=["smartcity"],
        auth=[],
        request=inline_serializer(
            "ReadingsBody",
            {
                "readings": inline_serializer(
                    "Reading",
                    {
                        "channel": serializers.CharField(help_text="Channel key, e.g. pm10."),
                        "ts": serializers.DateTimeField(help_text="ISO 8601 with time zone."),
                        "value": serializers.FloatField(),
                    },
                    many=True,
                )
            },
        ),
        responses=_responses,
        description=(
            "Header `Authorization: Bearer <pole token>`. Up to 5,000 readings. Each reading "
            "must name a channel of this pole, carry a finite value inside the channel's "
            "plausible range and a time with a time zone, at most 5 minutes in the future and "
            "not older than the raw data retention. Accepted readings are stored in the inbox "
            "before the answer; the same channel and time twice is one reading."
        ),
        examples=[
            OpenApiExample(
                "Two readings",
                value={
                    "readings": [
                        {"channel": "pm10", "ts": "2026-11-23T10:00:00Z", "value": 12.3},
                        {"channel": "no2", "ts": "2026-11-23T10:00:00Z", "value": 31},
                    ]
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        return super().post(request)


class EventsApi(_IngestApi):
    ingest = staticmethod(services.events_ingest)

    @extend_schema(
        summary="Send events of a pole (charging, lamp, WiFi)",
        tags=["smartcity"],
        auth=[],
        request=inline_serializer(
            "EventsBody",
            {
                "events": inline_serializer(
                    "Event",
                    {
                        "type": serializers.ChoiceField(
                            ["charging_start", "charging_stop", "lamp", "wifi"]
                        ),
                        "ts": serializers.DateTimeField(),
                        "connector": serializers.IntegerField(required=False),
                        "session": serializers.CharField(required=False),
                        "energy_kwh": serializers.FloatField(required=False),
                        "meter_kwh": serializers.FloatField(required=False),
                        "state": serializers.ChoiceField(
                            ["on", "off", "dimmed", "fault"], required=False
                        ),
                        "level": serializers.IntegerField(required=False),
                        "detail": serializers.CharField(required=False),
                        "clients": serializers.IntegerField(required=False),
                    },
                    many=True,
                )
            },
        ),
        responses=_responses,
        description=(
            "Header `Authorization: Bearer <pole token>`. Charging sessions (start, stop with "
            "energy), lamp state (on, off, dimmed with level %, fault) and WiFi clients. "
            "Measurements among them are stored as readings too."
        ),
    )
    def post(self, request):
        return super().post(request)
