from django.conf import settings


def site(request):
    """Values every page's shell needs."""
    return {
        "CITY_CONTACT_EMAIL": settings.CITY_CONTACT_EMAIL,
    }
