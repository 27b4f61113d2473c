"""Send every published entry to the kiosks again, for a change they cannot see in the entries
themselves: the public address (``BORNE_PUBLIC_URL``) each entry's ``public_url`` is built from.

The feed is incremental (a kiosk asks for changes above its cursor), so an entry that does not
change keeps, on the kiosks, the ``public_url`` it was last sent with. :func:`republish` gives every
published entry a new change number in one transaction: nothing else about them changes (not their
``updated_at``, which staff read as "last edited"). :func:`republish_if_address_changed` does it
once per new address: ``serve``, the installer and the web unit's start call it.
"""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def republish() -> int:
    """Give each published entry a new change number (in one transaction); returns how many."""
    from backoffice.catalog.models import ChangeCounter, Entry

    with transaction.atomic():
        counter, _created = ChangeCounter.objects.select_for_update().get_or_create(pk=1)
        ids = list(Entry.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
        for offset, pk in enumerate(ids, start=1):
            Entry.objects.filter(pk=pk).update(seq=counter.value + offset)
        counter.value += len(ids)
        counter.save(update_fields=["value"])
    log.info("republished %d entries (change numbers up to %d)", len(ids), counter.value)
    return len(ids)


def republish_if_address_changed(address: str | None = None, *, force: bool = False) -> int | None:
    """:func:`republish` when the public address differs from the one last seen (or none was seen and
    one is set now), or always with ``force``; the address is then recorded as seen. Returns how many
    entries were sent again, None when the address is unchanged."""
    from backoffice.public.links import base_url
    from backoffice.public.models import PublicAddress

    address = base_url() if address is None else address.rstrip("/")
    with transaction.atomic():
        seen = PublicAddress.objects.select_for_update().filter(pk=1).first()
        unchanged = (seen.value == address) if seen is not None else not address
        if unchanged and not force:
            if seen is None:
                PublicAddress.objects.create(pk=1, value=address)
            return None
        count = republish()
        PublicAddress.objects.update_or_create(pk=1, defaults={"value": address})
    log.info("public address %r -> %r: %d entries sent again", seen.value if seen else "", address, count)
    return count
