"""Tour content in German and English (modeltranslation; see portal/translation.py).

German is required, English optional per field; a page shows English where it is present
and otherwise the German text marked ``lang="de"`` (``{% content_lang %}``).
"""

from modeltranslation.translator import TranslationOptions, translator

from smartcity.tours.models import Stop, StopImage, Theme, Tour


class ThemeTranslation(TranslationOptions):
    fields = ("name",)


class TourTranslation(TranslationOptions):
    fields = (
        "title", "summary", "description", "start_name", "cover_alt",
        "steepest_note", "benches", "toilets",
    )  # fmt: skip


class StopTranslation(TranslationOptions):
    fields = ("title", "text", "audio", "audio_transcript", "audio_seconds")


class StopImageTranslation(TranslationOptions):
    fields = ("alt_text",)


translator.register(Theme, ThemeTranslation)
translator.register([Tour, Tour.history.model], TourTranslation)
translator.register([Stop, Stop.history.model], StopTranslation)
translator.register(StopImage, StopImageTranslation)
