"""Request rules of the whole site: a staff session ends after STAFF_SESSION_IDLE_SECONDS
idle; a path with a NUL byte is a bad request; while the database or the broker is down the
answer is 503."""

import logging
import sys
from xml.etree import ElementTree

import kombu.exceptions
import redis.exceptions
from django import db
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from portal import i18n, roles

logger = logging.getLogger(__name__)


class StaffIdleTimeoutMiddleware:
    """Slide a short expiry for staff sessions on every request.

    Citizens keep the normal SESSION_COOKIE_AGE. Staff accounts can open cases with
    personal data, so their session ends after 15 minutes without a request
    (BSI APP.3.1, OWASP ASVS 7.3.1).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if roles.is_staff_member(user):
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)


class RefuseNulPathMiddleware:
    """A NUL byte in the path names no page; answer 400 before a view looks it up.

    PostgreSQL refuses NUL in any string, so a lookup by a slug or reference from such a path
    would otherwise end in a server error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise BadRequest("NUL byte in the path")
        return self.get_response(request)


class ApiLanguageMiddleware:
    """The REST API (``/api/``) answers in the client's language: ``?lang=en``, else the
    language cookie or ``Accept-Language``; German by default. Its paths carry no language
    prefix, so LocaleMiddleware alone would always choose German."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        language = i18n.language_normalise(
            request.GET.get("lang") or translation.get_language_from_request(request)
        )
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ServiceUnavailableMiddleware:
    """The database or the broker is down: answer 503 with ``Retry-After``, not a 500.

    Pages get a standalone page rendered without a request context: no context processor, no
    session, no user, so it needs nothing that is down. The APIs (``/api/``, Open311) get their
    error in JSON (Open311 in XML too). ``/healthz`` catches its own errors and reports them.
    ``server_error`` is the site's ``handler500``: it gives outages raised outside a view (the
    session lookup behind ``request.user`` in a middleware) the same answer.
    """

    OUTAGES: tuple[type[BaseException], ...] = (
        db.OperationalError,
        db.InterfaceError,
        kombu.exceptions.OperationalError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, self.OUTAGES):
            return None
        return self.unavailable_response(request, exception)

    @classmethod
    def server_error(cls, request) -> HttpResponse:
        exception = sys.exc_info()[1]
        if isinstance(exception, cls.OUTAGES):
            return cls.unavailable_response(request, exception)
        return defaults.server_error(request)

    @classmethod
    def unavailable_response(cls, request, exception: BaseException) -> HttpResponse:
        logger.error("Service unavailable on %s: %s", request.path, exception, exc_info=exception)
        path = request.path_info
        if path.startswith("/api/"):
            message = _("The service is temporarily unavailable. Please try again later.")
            response: HttpResponse = JsonResponse({"message": message}, status=503)
        elif path.startswith("/open311/"):
            response = cls._open311_response(path)
        else:
            response = HttpResponse(
                loader.render_to_string("503.html", cls._page_context(request)), status=503
            )
        response["Retry-After"] = str(settings.UNAVAILABLE_RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _open311_response(path: str) -> HttpResponse:
        """GeoReport v2's error list, in the format the URL asks for."""
        description = _("The service is temporarily unavailable. Please try again later.")
        if path.endswith(".xml"):
            errors = ElementTree.Element("errors")
            error = ElementTree.SubElement(errors, "error")
            ElementTree.SubElement(error, "code").text = "503"
            ElementTree.SubElement(error, "description").text = description
            body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(
                errors, encoding="utf-8"
            )
            return HttpResponse(body, content_type="text/xml; charset=utf-8", status=503)
        return JsonResponse([{"code": 503, "description": description}], safe=False, status=503)

    @staticmethod
    def _page_context(request) -> dict:
        """What the page shows, computed here so the template touches nothing but this."""
        current = translation.get_language() or settings.LANGUAGE_CODE
        return {
            "LANGUAGE_CODE": current,
            "CITY_CONTACT_EMAIL": settings.CITY_CONTACT_EMAIL,
            "other_languages": [
                {
                    "code": code,
                    "name": translation.get_language_info(code)["name_local"],
                    "url": translate_url(request.get_full_path(), code),
                }
                for code, _name in settings.LANGUAGES
                if code != current
            ],
        }
