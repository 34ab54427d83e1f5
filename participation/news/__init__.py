"""The city's channels about projects and participation: news (Meldungen), later their feeds,
iCalendar files of participation dates and e-mail alerts without an account.

This step holds the news model; the pages (``/aktuelles/``) and the admin follow."""
