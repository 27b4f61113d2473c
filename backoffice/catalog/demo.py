"""Load the demo town of ``content.demo`` into the back office's database."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from backoffice.catalog.wire import save_contract_alert, save_contract_entry


@transaction.atomic
def load_demo_town(today: dt.date | None = None) -> tuple[int, int]:
    """Entries and alerts are upserted by their ids, so loading twice changes nothing."""
    from content.demo import load_demo

    demo = load_demo(today or timezone.localdate())
    media = dict(getattr(demo, "media", {}) or {})
    for data in demo.entries:
        save_contract_entry(data, media=media)
    for data in demo.alerts:
        save_contract_alert(data)
    from backoffice.notices.demo import load_demo_notices

    load_demo_notices(demo)
    return len(demo.entries), len(demo.alerts)
