"""News: scheduled publication, German with English per field, the public-relations role."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from participation.news.models import Article
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_only_ready_articles_whose_time_has_come_are_published():
    now = timezone.now()
    shown = ArticleFactory(publish_at=now - timedelta(minutes=1))
    ArticleFactory(publish_at=now + timedelta(hours=2))  # scheduled
    ArticleFactory(is_ready=False, publish_at=now - timedelta(days=1))  # a draft
    assert list(Article.objects.published(now)) == [shown]
    assert Article.objects.published(now + timedelta(hours=3)).count() == 2


def test_the_newest_article_comes_first():
    now = timezone.now()
    old = ArticleFactory(publish_at=now - timedelta(days=2))
    new = ArticleFactory(publish_at=now - timedelta(hours=1))
    assert list(Article.objects.published()) == [new, old]


def test_english_falls_back_to_german_per_field():
    article = ArticleFactory(title_de="Neues WLAN", title_en="New WiFi")
    with translation.override("en"):
        assert article.title == "New WiFi"
        assert article.teaser.startswith("Die Stadt informiert")


def test_public_relations_may_write_news():
    group = Group.objects.get(name="public_relations")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_article", "change_article", "delete_article", "view_article"} <= codenames
