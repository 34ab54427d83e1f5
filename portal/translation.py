"""Content fields with an English variant (django-modeltranslation): ``name_de``, ``name_en``.

German is the original; ``obj.name`` gives the active language and falls back to German.
A historical (simple_history) model is registered too, so its rows keep both languages.
"""

from modeltranslation.translator import TranslationOptions, translator

from portal.models import Department


class DepartmentTranslation(TranslationOptions):
    fields = ("name",)
    empty_values = {"name": None}  # unique: an empty English name is NULL, not ""


translator.register([Department, Department.history.model], DepartmentTranslation)
