"""Participation processes: the index of running, upcoming and finished ones, and one process
with its phases, who may do what in each, and its proposals and surveys."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from participation import selectors
from participation.views.common import page_context


@require_GET
def processes(request):
    return render(
        request,
        "participation/processes.html",
        {"groups": selectors.processes_overview(now=timezone.now())},
    )


@require_GET
def process(request, slug: str):
    item = selectors.process_by_slug(slug=slug)
    if item is None:
        raise Http404
    context = page_context(request, item)
    context.update(
        {
            "phases": selectors.phase_rows(process=item, now=context["now"]),
            "state": item.state(context["now"]),
            "follows": selectors.follows(user=request.user),
        }
    )
    return render(request, "participation/process_detail.html", context)
