"""The news app's models, one module per concern."""

from participation.news.models.articles import Article, ArticleQuerySet

__all__ = ["Article", "ArticleQuerySet"]
