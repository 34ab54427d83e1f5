"""The shared concerns every app stands on: roles, tokens, language, uploads, CSV exports."""

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image

from portal import exports, i18n, roles, tokens, uploads
from portal.api import ApplicationError
from tests.factories import UserFactory

# --- Roles -------------------------------------------------------------------------------------


def _with_role(user, role):
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    roles.roles_forget(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "predicate"),
    [
        (roles.Role.MODERATOR, roles.is_moderator),
        (roles.Role.OPERATOR, roles.is_operator),
        (roles.Role.CASE_WORKER, roles.is_case_worker),
        (roles.Role.COUNCIL_MEMBER, roles.is_council_member),
        (roles.Role.ADMINISTRATOR, roles.is_administrator),
    ],
)
def test_a_role_predicate_admits_its_group_and_superusers_only(role, predicate):
    citizen = UserFactory()
    holder = _with_role(UserFactory(), role)
    superuser = UserFactory(is_superuser=True)

    assert not predicate(citizen)
    assert predicate(holder)
    assert predicate(superuser)
    assert not predicate(AnonymousUser())


@pytest.mark.django_db
def test_a_deactivated_account_holds_no_role():
    moderator = _with_role(UserFactory(), roles.Role.MODERATOR)
    moderator.is_active = False

    assert not roles.is_moderator(moderator)
    assert not roles.is_verified(moderator)


@pytest.mark.django_db
def test_roles_are_read_once_per_user_object(django_assert_num_queries):
    user = _with_role(UserFactory(), roles.Role.MODERATOR)

    with django_assert_num_queries(2):  # groups, verified e-mail address
        assert roles.is_moderator(user)
        assert roles.is_verified(user)
        assert not roles.is_operator(user)


@pytest.mark.django_db
def test_role_required_sends_visitors_to_the_login_and_refuses_other_roles():
    from django.core.exceptions import PermissionDenied

    view = roles.role_required(roles.is_operator)(lambda request: "dashboard")
    request = RequestFactory().get("/smartcity/betrieb/")

    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]

    request.user = UserFactory()
    with pytest.raises(PermissionDenied):
        view(request)

    request.user = _with_role(UserFactory(), roles.Role.OPERATOR)  # no second factor yet
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"

    request.user = _with_role(UserFactory(mfa=True), roles.Role.OPERATOR)
    assert view(request) == "dashboard"


@pytest.mark.django_db
def test_the_drf_permission_uses_the_same_predicate():
    permission = roles.role_permission(roles.is_moderator)()
    request = RequestFactory().get("/")
    request.user = UserFactory()
    assert not permission.has_permission(request, None)
    request.user = _with_role(UserFactory(), roles.Role.MODERATOR)
    assert not permission.has_permission(request, None)  # no second factor yet
    request.user = _with_role(UserFactory(mfa=True), roles.Role.MODERATOR)
    assert permission.has_permission(request, None)


# --- Tokens ------------------------------------------------------------------------------------


def test_a_token_matches_only_its_own_hash():
    token = tokens.token_generate()
    stored = tokens.token_hash(token)

    assert len(token) >= 32
    assert len(stored) == 64
    assert token not in stored
    assert tokens.token_matches(token, stored)
    assert not tokens.token_matches(token + "x", stored)
    assert not tokens.token_matches(token, "")
    assert not tokens.token_matches("", stored)
    assert tokens.token_generate() != token


# --- Language ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("en", "en"), ("en-GB", "en"), ("EN_us", "en"), ("de-AT", "de"), ("fr", "de"), ("", "de")],
)
def test_every_language_tag_becomes_one_of_the_portals_languages(tag, expected):
    assert i18n.language_normalise(tag) == expected


def test_a_text_falls_back_to_german_when_there_is_no_english():
    assert i18n.localised("Hund", "Dog", language="en-GB") == "Dog"
    assert i18n.localised("Hund", "", language="en") == "Hund"
    assert i18n.localised("Hund", "Dog", language="de") == "Hund"


# --- Uploads -------------------------------------------------------------------------------------


def _png(width=40, height=30, *, exif=False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), "green")
    if exif:
        data = image.getexif()
        data[0x010F] = "Kamerahersteller"  # Make
        image.save(out, format="JPEG", exif=data.tobytes())
    else:
        image.save(out, format="PNG")
    return out.getvalue()


def test_an_image_is_re_encoded_without_its_metadata():
    upload = SimpleUploadedFile("C:\\Fotos\\laterne.jpeg", _png(exif=True), "image/jpeg")

    checked = uploads.upload_check(upload=upload, allowed=["jpeg", "png"], max_mb=5)

    assert checked.kind == "jpeg"
    assert checked.content_type == "image/jpeg"
    assert checked.name == "laterne.jpg"
    assert b"Kamerahersteller" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (40, 30)
        assert not image.getexif()


def test_a_file_is_judged_by_its_content_not_its_name():
    html = SimpleUploadedFile("bescheid.pdf", b"<html><script>alert(1)</script>", "application/pdf")

    with pytest.raises(ApplicationError, match=r"bescheid\.pdf"):
        uploads.upload_check(upload=html, allowed=["pdf"], max_mb=5)


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named():
    big = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"0" * (1024 * 1024), "application/pdf")

    with pytest.raises(ApplicationError, match="1 MB"):
        uploads.upload_check(upload=big, allowed=["pdf"], max_mb=1)


def test_an_image_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    bomb = SimpleUploadedFile("bombe.png", _png(2000, 1000), "image/png")

    with pytest.raises(ApplicationError, match="2000 × 1000"):
        uploads.upload_check(upload=bomb, allowed=["png"], max_mb=5)


def test_a_truncated_image_is_refused_even_after_a_pdf_was_rendered():
    import weasyprint  # noqa: F401  (it lets Pillow load truncated images process-wide)

    broken = SimpleUploadedFile("kaputt.png", _png()[:60], "image/png")

    with pytest.raises(ApplicationError, match=r"could not be read|konnte nicht gelesen"):
        uploads.upload_check(upload=broken, allowed=["png"], max_mb=5)


# --- CSV exports ---------------------------------------------------------------------------------


def _read(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_a_spreadsheet_export_opens_in_german_excel_and_runs_no_formula():
    import datetime as dt
    from decimal import Decimal

    response = exports.csv_response(
        filename="antraege.csv",
        header=["Name", "Betrag", "Datum"],
        rows=[
            ['=HYPERLINK("http://evil.example","klick")', Decimal("12.50"), dt.date(2026, 3, 1)],
            ["@SUM(A1)", -3, None],
            ["\tTab", 1.5, True],
        ],
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="antraege.csv"'
    text = _read(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Name", "Betrag", "Datum"]
    assert rows[1] == ['\'=HYPERLINK("http://evil.example","klick")', "12,50", "01.03.2026"]
    assert rows[2] == ["'@SUM(A1)", "-3", ""]
    assert rows[3] == ["'\tTab", "1,5", "ja"]
    assert "\r\n" in text


def test_an_open_data_export_stays_machine_readable():
    import datetime as dt

    response = exports.csv_response(
        filename="daten.csv",
        header=["pole", "mean", "time"],
        rows=[["CR-001", -1.25, dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)]],
        flavour="data",
        preamble=["Stadt Castrop-Rauxel. Lizenz: dl-de/by-2-0"],
    )

    lines = _read(response).splitlines()
    assert lines == [
        "# Stadt Castrop-Rauxel. Lizenz: dl-de/by-2-0",
        "pole,mean,time",
        "CR-001,-1.25,2026-03-01T12:00:00+00:00",
    ]


def test_a_carriage_return_inside_an_open_data_cell_cannot_start_a_new_row():
    response = exports.csv_response(
        filename="daten.csv",
        header=["pole", "unit"],
        rows=[["CR-001", "µg\r=HYPERLINK(1)"]],
        flavour="data",
    )

    text = _read(response)
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["pole", "unit"],
        ["CR-001", "µg\r=HYPERLINK(1)"],  # one quoted cell, not a second row with a formula
    ]
    assert text.endswith('"\n')
