"""The project portfolio and the strategic goals."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from participation import selectors
from participation.models import Project, StrategicGoal


def projects(request):
    return render(request, "participation/projects.html", {"fields": selectors.roadmap()})


def project(request, slug: str):
    try:
        item = selectors.project_detail(slug=slug)
    except Project.DoesNotExist:
        raise Http404 from None
    updates = list(item.updates.order_by("-published_at"))
    for update in updates:
        update.html = selectors.render_markdown(update.body)
    return render(
        request,
        "participation/project_detail.html",
        {
            "project": item,
            "description": selectors.render_markdown(item.description),
            "updates": updates,
        },
    )


def goal(request, slug: str):
    item: StrategicGoal = get_object_or_404(
        StrategicGoal.objects.select_related("field"), slug=slug
    )
    return render(
        request,
        "participation/goal.html",
        {"goal": item, "projects": selectors.goal_projects(goal=item)},
    )
