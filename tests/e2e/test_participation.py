"""A citizen reads the concept, comments on a section, supports a proposal and answers the survey,
all by keyboard; a moderator approves the comment. Every page visited passes axe-core."""

import os

import pytest
from django.contrib.auth.models import Group

from participation.models import Comment, Process, Proposal, Response, Survey
from portal.models import Role
from tests.e2e.conftest import login, new_page, tab_to
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def concept(db):
    from participation import demo

    with open(os.devnull, "w") as devnull:
        demo.load(stdout=devnull)


def press_enter_on(page, selector: str, limit: int = 150) -> None:
    tab_to(page, selector, limit)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def assert_clean(page) -> None:
    assert page.watch.axe_violations() == [], page.url
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_a_citizen_takes_part_by_keyboard_and_a_moderator_approves_the_comment(
    browser, page, live_server, citizen_a, concept
):
    keys = page.keyboard
    login(page, citizen_a.email, PASSWORD)

    # Read the concept: from the overview to the reading view, then to a section's discussion.
    page.goto("/mitmachen/")
    assert_clean(page)
    press_enter_on(page, "main a[href$='/mitmachen/konzept/']")
    assert "Version 2 vom" in page.inner_text("main")
    assert_clean(page)
    press_enter_on(page, "a[href$='/konzept/abschnitt/mobilitaet/']")
    assert_clean(page)

    # Comment on the section: the process is pre-moderated.
    tab_to(page, "form.comment-form textarea[name=body]")
    keys.type("Bitte auch Ladepunkte für Lastenräder.")
    press_enter_on(page, "form.comment-form button[type=submit]")
    assert "nachdem eine Moderatorin oder ein Moderator ihn geprüft hat" in page.inner_text("main")
    assert "wartet auf Moderation" in page.inner_text("main")
    assert_clean(page)

    # Support a proposal: from the processes to the concept's process and its proposals.
    proposal = Proposal.objects.get(title="Echtzeit-Anzeige freier Ladepunkte")
    press_enter_on(page, ".part-nav a[href$='/mitmachen/verfahren/']")
    assert_clean(page)
    press_enter_on(page, "main a[href$='/mitmachen/verfahren/konzept-2026/']")
    assert_clean(page)
    press_enter_on(page, "main a[href$='/mitmachen/verfahren/konzept-2026/vorschlaege/']")
    assert_clean(page)
    press_enter_on(page, f"a[href$='/mitmachen/vorschlaege/{proposal.pk}/']")
    assert_clean(page)
    press_enter_on(page, "form[action$='/unterstuetzen/'] button[type=submit]")
    assert "Danke für Ihre Unterstützung." in page.inner_text("main")
    proposal.refresh_from_db()
    assert proposal.support_count == 6
    assert_clean(page)

    # Answer the survey.
    survey = Survey.objects.get()
    q = {x.order: f"q{x.pk}" for x in survey.questions.all()}
    press_enter_on(page, ".part-nav a[href$='/mitmachen/']")
    press_enter_on(page, f"a[href$='/mitmachen/umfragen/{survey.pk}/']")
    assert_clean(page)
    tab_to(page, f"input[name={q[1]}]")
    keys.press("Space")  # the first choice
    tab_to(page, f"input[name={q[2]}][value=Parks]")
    keys.press("Space")
    tab_to(page, f"input[name={q[3]}]")
    keys.press("ArrowRight")  # moving in a radio group selects: 2
    keys.press("ArrowRight")  # 3
    keys.press("ArrowRight")  # 4
    tab_to(page, f"textarea[name={q[4]}]")
    keys.type("Online-Termine im Bürgerbüro")
    press_enter_on(page, "main form button[type=submit]")
    assert "Danke für Ihre Teilnahme an der Umfrage." in page.inner_text("main")
    answers = {
        a.question.order: a.value for a in Response.objects.get(user=citizen_a).answers.all()
    }
    assert answers == {
        1: "Bewohnerparkausweis",
        2: ["Parks"],
        3: 4,
        4: "Online-Termine im Bürgerbüro",
    }

    # A moderator approves the comment in the queue.
    comment = Comment.objects.get(body="Bitte auch Ladepunkte für Lastenräder.")
    moderator = UserFactory(email="mira@stadt.example", name="Mira Moderatorin", mfa=True)
    moderator.groups.add(Group.objects.get_or_create(name=Role.MODERATOR.value)[0])
    other = new_page(browser, live_server)
    login(other, moderator.email, PASSWORD, mfa=True)
    other.goto("/mitmachen/moderation/")
    assert "Bitte auch Ladepunkte für Lastenräder." in other.inner_text("main")
    assert_clean(other)
    press_enter_on(other, f"form[action$='/moderation/{comment.pk}/freigeben/'] button")
    assert "Der Kommentar ist veröffentlicht." in other.inner_text("main")
    assert_clean(other)
    other.context.close()

    # Everyone sees it now.
    visitor = new_page(browser, live_server)
    visitor.goto("/mitmachen/konzept/abschnitt/mobilitaet/")
    text = visitor.inner_text("main")
    assert "Bitte auch Ladepunkte für Lastenräder." in text
    assert "wartet auf Moderation" not in text
    assert_clean(visitor)
    visitor.context.close()


def test_two_processes_run_at_once_and_the_pages_say_why_one_cannot_act(
    browser, page, live_server, citizen_a, concept
):
    budget = Process.objects.get(slug="buergerhaushalt-2027")
    own = Proposal.objects.create(
        process=budget,
        author=citizen_a,
        title="WLAN im Freibad",
        description="Freies WLAN auf der Liegewiese.",
        field_of_action=budget.proposals.first().field_of_action,
    )
    login(page, citizen_a.email, PASSWORD)

    # The index of processes: both run now, each with its own phases.
    page.goto("/mitmachen/")
    press_enter_on(page, ".part-nav a[href$='/mitmachen/verfahren/']")
    running = page.inner_text("#state-running + ul")
    assert "Das Digitalisierungskonzept weiterentwickeln" in running
    assert "Bürgerhaushalt 2027" in running
    assert_clean(page)

    # The citizens' budget collects ideas now; supports count only in the voting phase.
    press_enter_on(page, f"main a[href$='{budget.get_absolute_url()}']")
    text = page.inner_text("main")
    assert "Vorschläge unterstützen: Verifizierte Nutzer" in text
    assert_clean(page)
    press_enter_on(page, f"main a[href$='/verfahren/{budget.slug}/vorschlaege/']")
    assert "Vorschlag machen" in page.inner_text("main")
    assert_clean(page)
    other = budget.proposals.exclude(pk=own.pk).first()
    press_enter_on(page, f"a[href$='/mitmachen/vorschlaege/{other.pk}/']")
    assert (
        "Vorschläge können in der aktuellen Phase dieses Verfahrens nicht unterstützt werden."
        in page.inner_text("main")
    )
    assert page.locator("form[action$='/unterstuetzen/']").count() == 0
    assert_clean(page)

    # One's own proposal cannot be supported, and the page says so.
    concept_process = Process.objects.get(slug="konzept-2026")
    Proposal.objects.filter(pk=own.pk).update(process=concept_process)
    page.goto(own.get_absolute_url())
    assert "Sie können Ihren eigenen Vorschlag nicht unterstützen." in page.inner_text("main")
    assert page.locator("form[action$='/unterstuetzen/']").count() == 0
    assert_clean(page)


def test_the_permission_matrix_in_the_admin_changes_who_may_propose(page, live_server, concept):
    editor = UserFactory(email="redaktion@stadt.example", staff=True, mfa=True)
    editor.is_superuser = True
    editor.save(update_fields=["is_superuser"])
    budget = Process.objects.get(slug="buergerhaushalt-2027")
    n = [p.kind for p in budget.phases.all()].index("proposals")
    login(page, editor.email, PASSWORD, mfa=True)

    page.goto(f"/admin/participation/process/{budget.pk}/change/")
    verified = f"input[name=phases-{n}-may_propose][value=verified]"
    council = f"input[name=phases-{n}-may_propose][value=council_member]"
    assert page.is_checked(verified)
    assert_clean(page)
    page.uncheck(verified)
    page.check(council)
    with page.expect_navigation():
        page.click("input[name=_save]")

    assert budget.phases.get(kind="proposals").permissions["propose"] == ["council_member"]
