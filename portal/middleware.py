"""Request rules of the whole site: a staff session ends after STAFF_SESSION_IDLE_SECONDS
idle; a path with a NUL byte is a bad request."""

from django.conf import settings
from django.core.exceptions import BadRequest

from portal import roles


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
