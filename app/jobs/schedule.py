"""Every periodic job, in one place. The worker (``imsa jobs worker``) runs them; the web server does not.

Each entry names a function by its dotted path (so this low layer imports nothing above it) that takes
``today`` (the Europe/London date) and a crontab in UTC; it runs in its own transaction, committed when it
returns. An entry whose function does not exist in this build (a feature not merged yet) is skipped with a
warning, so adding the line first is safe.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from huey import crontab

from app.jobs import job
from app.workdays import london_date

log = logging.getLogger("imsa.jobs")


@dataclass(frozen=True)
class Periodic:
    name: str
    target: str  # "package.module:function", called as function(today)
    when: dict = field(default_factory=dict)  # crontab(...) arguments, UTC


SCHEDULE: tuple[Periodic, ...] = (
    # Reminders to holders whose credential expires soon (and to renew it): each morning.
    Periodic(
        "expiry-reminders", "app.accreditation.reminders:send_expiry_reminders", {"hour": "7", "minute": "0"}
    ),
    # The retention schedule (IMSA_RETENTION_*): personal data past its period, each night.
    Periodic("retention", "app.privacy.retention:scheduled_retention", {"hour": "2", "minute": "15"}),
)

_registered: set[str] = set()


def resolve(target: str):
    """The function ``target`` names, or None when its module or function does not exist."""
    module_name, _, attribute = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        return None
    return getattr(module, attribute, None)


def register_periodic(schedule: tuple[Periodic, ...] = SCHEDULE) -> list[str]:
    """Register each entry with the queue (once per process); the names registered."""
    from app.jobs import huey

    names = []
    for entry in schedule:
        function = resolve(entry.target)
        if function is None:
            log.warning("periodic job %s skipped: %s does not exist", entry.name, entry.target)
            continue
        if entry.name not in _registered:
            _register(huey, entry, function)
            _registered.add(entry.name)
        names.append(entry.name)
    return names


def _register(huey, entry: Periodic, function) -> None:
    """The scheduler only queues the entry's job, which then runs (and is retried) like any other."""
    run = job(retries=2, retry_delay=300, name=f"periodic.{entry.name}")(
        lambda: function(london_date(datetime.now(UTC)))
    )
    huey.periodic_task(crontab(**entry.when), name=f"periodic.{entry.name}.tick")(run.enqueue)
