"""News in German and English (modeltranslation; see portal/translation.py)."""

from modeltranslation.translator import TranslationOptions, translator

from participation.news.models import Article


class ArticleTranslation(TranslationOptions):
    fields = ("title", "teaser", "body", "image_alt")


translator.register([Article, Article.history.model], ArticleTranslation)
