"""The one place that turns a template into a PDF (WeasyPrint)."""

from django.conf import settings
from django.template.loader import render_to_string


def render_to_pdf(template_name: str, context: dict) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes.

    WeasyPrint is imported here, not at module level, so that processes which never build a PDF
    (the web workers answering pages) do not load it. Static files (fonts, CSS, the city logo) are
    resolved from the project's static folder; nothing is fetched from the network.
    """
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    base_url = f"{settings.BASE_DIR / 'static'}/"  # templates link e.g. "css/print.css"
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")
