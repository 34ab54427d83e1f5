"""Every write of Smart City, by what it does:

- ``registry``: device tokens, default channels, deleting poles and channels with their data;
- ``inbox``: the device API's and MQTT bridge's inbox and the worker's batch processing;
- ``readings``: writing readings and events (latest values, last seen);
- ``rollups``: hourly and daily rollups;
- ``alarms``: thresholds, lamp faults, offline poles, acknowledgements, the operators' e-mail;
- ``retention``: purging raw readings.

The public names are re-exported here, so callers keep writing ``services.readings_apply``.
"""

from smartcity.services.alarms import (
    alarm_acknowledge,
    alarms_notify,
    poles_detect_offline,
    thresholds_evaluate,
)
from smartcity.services.inbox import (
    IngestResult,
    batch_process,
    batch_requeue,
    batches_requeue_stale,
    events_ingest,
    readings_ingest,
)
from smartcity.services.readings import events_apply, readings_apply, readings_store
from smartcity.services.registry import (
    channels_create_defaults,
    channels_delete,
    pole_token_revoke,
    pole_token_rotate,
    poles_delete,
)
from smartcity.services.retention import readings_purge
from smartcity.services.rollups import rollups_refresh

__all__ = [
    "IngestResult",
    "alarm_acknowledge",
    "alarms_notify",
    "batch_process",
    "batch_requeue",
    "batches_requeue_stale",
    "channels_create_defaults",
    "channels_delete",
    "events_apply",
    "events_ingest",
    "pole_token_revoke",
    "pole_token_rotate",
    "poles_delete",
    "poles_detect_offline",
    "readings_apply",
    "readings_ingest",
    "readings_purge",
    "readings_store",
    "rollups_refresh",
    "thresholds_evaluate",
]
