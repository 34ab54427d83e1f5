"""Pages of the Beteiligungsplattform under /mitmachen/, one module per group of pages.
Thin: parse, call a service or a selector, render. ``participation/urls.py`` names them."""
