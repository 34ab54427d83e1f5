"""Factories for news (Meldungen)."""

import factory
from django.utils import timezone

from participation.news.models import Article


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title_de = factory.Sequence(lambda n: f"Meldung {n}")
    slug = factory.Sequence(lambda n: f"meldung-{n}")
    teaser_de = "Die Stadt informiert über den Stand der Digitalisierung."
    body_de = "Ein **wichtiger** Schritt."
    is_ready = True
    publish_at = factory.LazyFunction(timezone.now)
