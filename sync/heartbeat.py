"""The heartbeat: the kiosk's status and its usage counters, posted to the back office.

Usage counters travel in batches that the kiosk's usage store keeps until the back office
acknowledges them by batch id: a failed post sends the same batch again (the back office stores a
batch id once), so a counter is never lost and never counted twice, even across restarts.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.cache import CacheError, ContentCache
from sync import remote

if TYPE_CHECKING:
    from sync.job import SyncJob

log = logging.getLogger(__name__)

#: Batches sent in one heartbeat run when the kiosk has a backlog (after days offline).
MAX_BATCHES_PER_RUN = 20
KNOWN_COMMANDS = frozenset({"sync_now", "screenshot"})
#: How long a failed bundle import or alert poll stays in the heartbeat's errors.
REPORT_FOR = dt.timedelta(days=1)


def system_uptime() -> int | None:
    try:
        return int(float(Path("/proc/uptime").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return None


def _read_state(job: SyncJob) -> tuple[dict, dict]:
    """The cache's state and last outcomes, read on a connection of its own (a sync may be applying)."""
    try:
        cache = ContentCache.open(job.data_dir, readonly=True, tz=job.cache.tz)
    except CacheError:
        return {}, {}
    try:
        state = {**cache.state(), "bundle": cache.meta("bundle")}
        return state, {o: cache.meta(f"last_{o}") or {} for o in ("sync", "bundle", "alerts")}
    finally:
        cache.close()


def _recent(stamp: str | None, job: SyncJob) -> bool:
    try:
        at = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return False
    return abs(job.clock() - at) < REPORT_FOR


def status(job: SyncJob) -> dict:
    """Everything the fleet page shows about this kiosk (no personal data)."""
    state, outcomes = _read_state(job)
    last = state.get("last_sync") or {}
    errors: list[str] = []
    for origin, outcome in outcomes.items():
        if origin != "sync" and not _recent(outcome.get("at"), job):
            continue  # a bundle refused last month is not news any more
        errors += [str(e) for e in outcome.get("errors", [])]
    errors += [f"{name}: {message}" for name, message in job.failures.items() if name != "heartbeat"]
    disk = shutil.disk_usage(job.data_dir)
    process_uptime = int(time.monotonic() - job.started)
    payload = {
        "version": job.version,
        "cursor": state.get("cursor") or "",
        "last_sync": state.get("last_sync_ok_at"),
        "last_sync_attempt": last.get("at"),
        "last_sync_ok": last.get("ok"),
        "errors": list(dict.fromkeys(errors))[:50],
        "disk_free": disk.free,
        "disk_total": disk.total,
        "uptime": system_uptime() or process_uptime,
        "process_uptime": process_uptime,
        "entries": state.get("entries"),
        "content_version": state.get("content_version"),
        "kiosk_time": job.clock().isoformat(timespec="seconds"),
    }
    if bundle := bundle_status(state.get("bundle")):
        payload["bundle"] = bundle
    # Cut to what the back office keeps: one over-long text would have it refuse the whole heartbeat.
    if screen := remote.screen_state(job.data_dir):
        limits = {"backend": 40, "state": 10, "action": 200, "at": 40, "error": 500}
        payload["screen"] = {k: v[: limits[k]] for k, v in screen.items()}
    if update := getattr(job, "update_state", lambda: None)():
        limits = {"version": 40, "result": 20, "at": 40, "message": 500}
        payload["update"] = {k: str(update[k])[: limits[k]] for k in limits if isinstance(update.get(k), str)}
    return payload


def bundle_status(record) -> dict | None:
    """The heartbeat's ``bundle``: ``{"name", "imported_at", "signed", "verified"}`` of the last bundle
    imported (``content.bundle.import_record``), or None when this kiosk never imported one."""
    if not isinstance(record, dict) or not record.get("imported_at"):
        return None
    return {
        "name": str(record.get("name") or "")[:200],  # the back office keeps 200 characters
        "imported_at": str(record["imported_at"]),
        "signed": record.get("signed") is True,
        # Only a signature can be verified (the back office refuses a heartbeat saying otherwise).
        "verified": record.get("verified") is True and record.get("signed") is True,
    }


def _batch_payload(batch: Any) -> tuple[str, dict] | None:
    """``(batch_id, usage member)`` from a ``content.usage.Batch``."""
    if batch is None:
        return None
    usage = batch.as_dict()
    return usage["batch_id"], usage


def _pending(usage) -> tuple[str, dict] | None:
    if usage is None:
        return None
    batch = usage.pending()
    if isinstance(batch, list | tuple):
        batch = batch[0] if batch else None
    return _batch_payload(batch)


def send(job: SyncJob) -> list[str]:
    """Post status (and one usage batch at a time); acknowledge what the server stored.

    Returns the server's commands that this kiosk knows (``sync_now``). Raises SyncError when the
    post fails: nothing is acknowledged, the same batch goes again next time.
    """
    commands: list[str] = []
    for run in range(MAX_BATCHES_PER_RUN):
        pending = _pending(job.usage)
        if run and not pending:
            break  # the backlog is sent; the status went with the first post
        payload = status(job)
        if pending:
            payload["usage"] = pending[1]
        shot = remote.screenshot_payload(job.data_dir) if run == 0 else None
        if shot is not None:
            payload["screenshot"] = shot
        answer = job.client.heartbeat(payload)
        if shot is not None:
            remote.screenshot_sent(job.data_dir)  # the back office has it (a failed post raised above)
        acknowledged = [str(i) for i in answer.get("acknowledged", []) if isinstance(i, str | int)]
        if pending and pending[0] in acknowledged:
            job.usage.acknowledge(pending[0])
        for command in answer.get("commands", []) or []:
            if command in KNOWN_COMMANDS and command not in commands:
                commands.append(command)
                if command == "screenshot":
                    remote.request_screenshot(job.data_dir, job.clock())
            elif command not in KNOWN_COMMANDS:
                log.warning("heartbeat: unknown command %r from the back office ignored", command)
        if not pending or pending[0] not in acknowledged:
            break
    return commands
