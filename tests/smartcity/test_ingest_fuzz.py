"""Property tests of the device API body: any JSON, any nesting, any time or number.

Never a server error; in a batch that mixes good readings with bad ones, exactly the good ones
are stored and exactly the bad ones are named in the rejects.
"""

import json
import math
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.utils import timezone as django_timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smartcity.models import BatchStatus, IngestBatch, Reading

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**500), max_value=10**500)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)
offsets = st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1).map(
    lambda m: timezone(timedelta(minutes=m))
)


# Texts around a character a database cannot store as it is (NUL, a lone surrogate), or any text.
raw_texts = st.builds(
    "{}{}{}".format,
    st.text(max_size=4),
    st.sampled_from(["\x00", "\ud800", "\udfff", "\x1f"]),
    st.text(max_size=4),
) | st.text(max_size=10)


def as_text(dt: datetime) -> str:
    return dt.isoformat()


# Times a pole must never get stored: out of the window (year 1 to 9999, any offset) or not a time.
# (Hypothesis takes naive bounds and adds the zones itself.)
far_past = st.datetimes(max_value=datetime(1999, 12, 31), timezones=offsets).map(as_text)  # noqa: DTZ001
far_future = st.datetimes(min_value=datetime(2100, 1, 1), timezones=offsets).map(as_text)  # noqa: DTZ001
no_zone = st.datetimes(min_value=datetime(2000, 1, 1)).map(as_text)  # noqa: DTZ001
bad_times = (
    far_past
    | far_future
    | no_zone
    | st.text(max_size=30)
    | json_values.filter(lambda v: not isinstance(v, str))
)
# Numbers (and non-numbers) outside the pm10 range 0 to 1000, huge integers among them.
bad_values = (
    st.integers(min_value=1001, max_value=10**500)
    | st.integers(min_value=-(10**500), max_value=-1)
    | st.floats(min_value=1000.0, exclude_min=True)
    | st.floats(max_value=0.0, exclude_max=True)
    | st.sampled_from([math.nan, math.inf, -math.inf, None, True, "12", [1], {"v": 1}])
)


@st.composite
def bad_readings(draw) -> dict:
    kind = draw(st.sampled_from(["ts", "value", "channel", "shape"]))
    reading = {"channel": "pm10", "ts": draw(st.just("NOW")), "value": 1.0}
    if kind == "ts":
        reading["ts"] = draw(bad_times)
    elif kind == "value":
        reading["value"] = draw(bad_values)
    elif kind == "channel":
        reading["channel"] = draw(
            json_values.filter(
                lambda v: v not in ("pm10", "pm25", "no2", "noise", "humidity")
            ).filter(lambda v: v != "temperature")
        )
    else:
        reading = draw(st.dictionaries(st.text(max_size=8), json_values, max_size=4))
        reading.pop("channel", None)
    return reading


def post(device, body: str):
    IngestBatch.objects.all().delete()
    Reading.objects.all().delete()
    response = device("readings", body)
    assert response.status_code < 500, response.content[:300]
    return response


@FUZZ
@given(body=json_values | st.dictionaries(st.just("readings"), json_values, min_size=1))
def test_any_json_body_is_answered_without_a_server_error(device, body):
    response = post(device, json.dumps(body))

    assert response.status_code in (202, 400)
    assert response.json()


@FUZZ
@given(depth=st.integers(min_value=1, max_value=200_000), opener=st.sampled_from(["[", '{"a":']))
def test_any_nesting_depth_is_answered_without_a_server_error(device, depth, opener):
    closer = "]" if opener == "[" else "}"
    inner = opener * depth + "1" + closer * depth
    body = '{"readings": [{"channel": "pm10", "ts": "x", "value": %s}]}' % inner  # noqa: UP031

    response = post(device, body)

    assert response.status_code in (202, 400)


@FUZZ
@given(
    good=st.lists(st.floats(min_value=-40, max_value=60), min_size=1, max_size=8),
    bad=st.lists(bad_readings(), min_size=1, max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_in_a_mixed_batch_the_good_readings_are_stored_and_the_bad_named(device, good, bad, order):
    now = django_timezone.now().replace(microsecond=0)
    items = [
        (
            "good",
            {"channel": "temperature", "ts": (now - timedelta(seconds=i)).isoformat(), "value": v},
        )
        for i, v in enumerate(good)
    ] + [("bad", {**r, "ts": now.isoformat()} if r.get("ts") == "NOW" else r) for r in bad]
    order.shuffle(items)

    response = post(device, json.dumps({"readings": [item for _kind, item in items]}))

    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == len(good)
    assert [r["index"] for r in body["rejected"]] == [
        i for i, (kind, _item) in enumerate(items) if kind == "bad"
    ]
    assert all(r["code"] and r["error"] for r in body["rejected"])
    stored = set(Reading.objects.values_list("ts", "value"))
    assert stored == {
        (datetime.fromisoformat(item["ts"]).astimezone(UTC), item["value"])
        for kind, item in items
        if kind == "good"
    }


BASE_EVENTS = {
    "charging_start": {"connector": 1, "session": "s1"},
    "charging_stop": {"connector": 1, "session": "s1", "energy_kwh": 3.5, "meter_kwh": 10.0},
    "lamp": {"state": "dimmed", "level": 40, "detail": "ok"},
    "wifi": {"clients": 3},
}
hostile = raw_texts | bad_times | bad_values | json_values


@st.composite
def events(draw) -> dict:
    """A valid event of each type with up to two fields replaced by something hostile."""
    kind = draw(st.sampled_from(sorted(BASE_EVENTS)))
    event = {"type": kind, "ts": "NOW", **BASE_EVENTS[kind]}
    for name in draw(st.lists(st.sampled_from(sorted(event)), max_size=2)):
        event[name] = draw(raw_texts if name in ("session", "detail") else hostile)
    return event


@FUZZ
@given(events=st.lists(events(), min_size=1, max_size=6))
def test_any_events_are_answered_without_a_server_error(device, events):
    now = django_timezone.now().isoformat()
    events = [{**e, "ts": now} if e.get("ts") == "NOW" else e for e in events]
    IngestBatch.objects.all().delete()

    response = device("events", json.dumps({"events": events}))

    assert response.status_code == 202, response.content[:300]
    assert response.json()["accepted"] + len(response.json()["rejected"]) == len(events)
    # What was accepted could be written: no batch left behind failing in the worker.
    assert not IngestBatch.objects.exclude(status=BatchStatus.DONE).exists()
