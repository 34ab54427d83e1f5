"""The portal's URLs plus ``/bench/bare/``: the baseline, a view that only says "ok" through the
same middleware, server and database connection settings."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
