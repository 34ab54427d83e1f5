from django import forms, template
from django.urls import translate_url
from django.utils.safestring import mark_safe

from portal import i18n, roles
from portal.i18n import CONTENT_LANGUAGE

register = template.Library()

ROLE_PREDICATES = {
    "staff_member": roles.is_staff_member,
    "administrator": roles.is_administrator,
    "case_worker": roles.is_case_worker,
    "moderator": roles.is_moderator,
    "council_member": roles.is_council_member,
    "operator": roles.is_operator,
    "verified": roles.is_verified,
}


@register.filter
def is_role(user, name: str) -> bool:
    """``{% if user|is_role:"moderator" %}``: the predicates of ``portal.roles`` in templates."""
    return ROLE_PREDICATES[name](user)


_WIDGET_CLASSES = [
    (forms.CheckboxInput, "kern-form-check__checkbox"),
    (forms.RadioSelect, ""),
    (forms.CheckboxSelectMultiple, ""),
    (forms.Select, "kern-form-input__select"),
    (forms.Textarea, "kern-form-input__input"),
    (forms.widgets.Input, "kern-form-input__input"),
]


def _css_class(widget: forms.Widget) -> str:
    for kind, css in _WIDGET_CLASSES:
        if isinstance(widget, kind):
            return css
    return ""


@register.filter
def kern_widget(bound_field):
    """Render a field's widget with the KERN-UX class, keeping Django's aria attributes."""
    css = _css_class(bound_field.field.widget)
    if bound_field.errors and css:
        css = f"{css} {css}--error"
    attrs = {"class": css} if css else {}
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.simple_tag(takes_context=True)
def translated_url(context, language: str) -> str:
    """This page's address in another language (for the language switch)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.filter
def startswith(value: str, prefix: str) -> bool:
    return bool(prefix) and str(value).startswith(prefix)


@register.simple_tag(takes_context=True)
def content_lang(context, obj=None, field: str = "") -> str:
    """` lang="de"` on an element holding content written in German, when the page itself is
    in another language, so that screen readers pronounce it right (WCAG 2.1, 3.1.2).

    ``{% content_lang %}``: the element's text is German only (the council's concept).
    ``{% content_lang service "name" %}``: a translated field (an app's translation.py); marked
    only when its text in the page's language is empty and the German one is shown instead.
    """
    request = context.get("request")
    language = getattr(request, "LANGUAGE_CODE", None) or i18n.language_current()
    if i18n.language_normalise(language) == CONTENT_LANGUAGE:
        return ""
    if obj is not None and not i18n.is_fallback(obj, field, language=language):
        return ""
    return mark_safe(f' lang="{CONTENT_LANGUAGE}"')  # noqa: S308
