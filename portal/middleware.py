"""Session rules for staff: a staff session ends after STAFF_SESSION_IDLE_SECONDS idle."""

from django.conf import settings

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
