"""The catalogue's texts in German and English (django-modeltranslation; see portal/translation.py).

Form steps and fields keep their own ``title_en``/``label_en``: a published form is a frozen
snapshot with both languages (services/services/catalogue.py).
"""

from modeltranslation.translator import TranslationOptions, translator

from services.models import Service, ServiceCategory


class ServiceCategoryTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}


class ServiceTranslation(TranslationOptions):
    fields = (
        "name",
        "summary",
        "description",
        "prerequisites",
        "required_documents",
        "fees",
        "search_terms",
    )
    empty_values = {"name": None}


for model, options in [
    (ServiceCategory, ServiceCategoryTranslation),
    (Service, ServiceTranslation),
]:
    translator.register([model, model.history.model], options)  # type: ignore[attr-defined]
