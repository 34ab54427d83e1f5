"""The project portfolio and the strategic goals."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from participation import selectors
from participation.models import Project, StrategicGoal
from smartcity import selectors as smartcity_selectors


def projects(request):
    return render(request, "participation/projects.html", {"fields": selectors.roadmap()})


def project(request, slug: str):
    try:
        item = selectors.project_detail(slug=slug)
    except Project.DoesNotExist:
        raise Http404 from None
    live = None
    if item.pole_group and item.live_figures:
        live = smartcity_selectors.project_live_figures(
            group=item.pole_group, figures=item.live_figures
        )
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
            "live": live,
            "shows": set(item.live_figures) if item.pole_group else set(),
        },
    )


def goal(request, slug: str):
    item: StrategicGoal = get_object_or_404(
        StrategicGoal.objects.select_related("field"), slug=slug
    )
    return render(
        request,
        "participation/goal.html",
        {
            "goal": item,
            "projects": selectors.goal_projects(goal=item),
            "sections": selectors.goal_sections(goal=item),
        },
    )
