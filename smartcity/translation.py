"""Threshold names in German and English (django-modeltranslation; see portal/translation.py)."""

from modeltranslation.translator import TranslationOptions, translator

from smartcity.models import Threshold


class ThresholdTranslation(TranslationOptions):
    fields = ("name",)


translator.register([Threshold, Threshold.history.model], ThresholdTranslation)
