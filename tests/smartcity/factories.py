"""Factories for Smart City: a pole with its default channels."""

import factory

from smartcity import services
from smartcity.models import Pole


class PoleFactory(factory.django.DjangoModelFactory):
    """A pole with light, environment sensors, a two-connector charger and WiFi, and channels."""

    class Meta:
        model = Pole
        django_get_or_create = ("number",)
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"CR-{n + 100:03d}")
    name = factory.Sequence(lambda n: f"Teststraße {n}")
    latitude = "51.553500"
    longitude = "7.311000"
    address = "Marktplatz, 44575 Castrop-Rauxel"
    has_environment = True
    has_wifi = True
    charger_connectors = 2

    @factory.post_generation
    def channels(self, create, extracted, **kwargs):
        if create:
            services.channels_create_defaults(pole=self)
