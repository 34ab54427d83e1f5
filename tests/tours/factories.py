"""Factories for city tours: a published tour with stops in Castrop-Rauxel's old town."""

from decimal import Decimal

import factory

from smartcity.tours.models import Stop, Tour, TourStatus

# Around the Marktplatz (inside the city boundary), about 80 m apart.
OLD_TOWN = [
    (Decimal("51.552870"), Decimal("7.311170")),
    (Decimal("51.553520"), Decimal("7.311900")),
    (Decimal("51.554100"), Decimal("7.312700")),
]


class TourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tour
        skip_postgeneration_save = True

    title_de = factory.Sequence(lambda n: f"Altstadt-Rundgang {n}")
    slug = factory.Sequence(lambda n: f"altstadt-{n}")
    summary_de = "Vom Marktplatz durch die Altstadt."
    status = TourStatus.PUBLISHED
    start_name_de = "Marktplatz"
    start_latitude = OLD_TOWN[0][0]
    start_longitude = OLD_TOWN[0][1]

    @factory.post_generation
    def stops(self, create, extracted, **kwargs):
        """``TourFactory(stops=0)`` makes a tour without stops; the default is three."""
        if not create:
            return
        count = len(OLD_TOWN) if extracted is None else extracted
        for index in range(count):
            latitude, longitude = OLD_TOWN[index % len(OLD_TOWN)]
            StopFactory(tour=self, position=index + 1, latitude=latitude, longitude=longitude)


class StopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stop

    tour = factory.SubFactory(TourFactory, stops=0)
    position = factory.Sequence(lambda n: n + 1)
    title_de = factory.Sequence(lambda n: f"Station {n}")
    text_de = "Hier stand einst das **Rathaus**."
    latitude = OLD_TOWN[0][0]
    longitude = OLD_TOWN[0][1]
