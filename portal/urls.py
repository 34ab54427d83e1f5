from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import views
from portal.middleware import ServiceUnavailableMiddleware

shell_patterns = [
    path("", views.home, name="home"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("kontakt/", views.contact, name="contact"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/export/", views.profile_export, name="profile_export"),
    path("accounts/profile/delete/", views.profile_delete, name="profile_delete"),
]

# An outage met outside a view (a middleware's session lookup) gets the 503 page too.
handler500 = ServiceUnavailableMiddleware.server_error

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    # The maps' background and address look-ups, from this origin (portal.maps).
    path("karte/kacheln/<int:z>/<int:x>/<int:y>", views.map_tile, name="map_tile"),
    path("karte/suche", views.map_search, name="map_search"),
    path("karte/adresse", views.map_address, name="map_address"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/services/", include("services.api_urls")),
    path("api/v1/smartcity/", include("smartcity.api_urls")),
    path("api/v1/tours/", include("smartcity.tours.api_urls")),
    path("admin/", admin.site.urls),
    path("open311/v2/", include("services.open311_urls")),
    *i18n_patterns(
        path("", include((shell_patterns, "portal"))),
        path("accounts/", include("allauth.urls")),
        path("services/", include("services.urls")),
        path("mitmachen/", include("participation.urls")),
        path("smartcity/", include("smartcity.urls")),
        path("rundgaenge/", include("smartcity.tours.urls")),
        path("aktuelles/", include("participation.news.urls")),
        prefix_default_language=False,
    ),
]
