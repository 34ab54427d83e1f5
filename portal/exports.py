"""The one CSV writer of the portal: streamed, safe to open, right in German spreadsheets.

Two flavours:

- ``spreadsheet`` (staff exports): UTF-8 with a byte-order mark, semicolons, CRLF line ends,
  decimal commas and German dates, which German Excel and LibreOffice open without an import
  dialogue;
- ``data`` (open data): plain UTF-8, commas, decimal points, ISO 8601 times, for programs.

In both, a text cell that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe (OWASP: CSV injection).
Numbers stay numbers. Rows are written as they are produced, so large exports never sit in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Literal

from django.http import StreamingHttpResponse
from django.utils import timezone

Flavour = Literal["spreadsheet", "data"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose ``write`` returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


def csv_neutralise(text: str) -> str:
    """Text that no spreadsheet runs as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_cell(value: Any, *, flavour: Flavour = "spreadsheet") -> str | int:
    """One value as the cell text of ``flavour``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("ja" if value else "nein") if flavour == "spreadsheet" else str(value).lower()
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        text = str(value)
        return text.replace(".", ",") if flavour == "spreadsheet" else text
    if isinstance(value, dt.datetime):
        if flavour == "data":
            return value.isoformat()
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y") if flavour == "spreadsheet" else value.isoformat()
    return csv_neutralise(str(value))


def csv_lines(
    *,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    flavour: Flavour = "spreadsheet",
    preamble: Iterable[str] = (),
) -> Iterator[str]:
    """The CSV text line by line: optional ``# ...`` preamble lines, the header, the rows."""
    # csv quotes a cell only for the characters of its line terminator, so both flavours write
    # with CRLF: a lone CR inside a cell is quoted too (unquoted, a spreadsheet starts a new row
    # there and the rest of the cell could run as a formula). The data flavour ends lines with LF.
    delimiter = ";" if flavour == "spreadsheet" else ","
    writer = csv.writer(_Echo(), delimiter=delimiter, lineterminator="\r\n")
    end = "\r\n" if flavour == "spreadsheet" else "\n"
    if flavour == "spreadsheet":
        yield "\ufeff"
    for line in preamble:
        yield f"# {line}\n"
    yield writer.writerow([csv_neutralise(str(h)) for h in header])[:-2] + end
    for row in rows:
        yield writer.writerow([csv_cell(value, flavour=flavour) for value in row])[:-2] + end


def csv_response(
    *,
    filename: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    flavour: Flavour = "spreadsheet",
    preamble: Iterable[str] = (),
    attachment: bool = True,
) -> StreamingHttpResponse:
    """A streamed CSV download."""
    response = StreamingHttpResponse(
        csv_lines(header=header, rows=rows, flavour=flavour, preamble=preamble),
        content_type="text/csv; charset=utf-8",
    )
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
