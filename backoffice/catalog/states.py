"""Where an entry or an alert stands for the kiosks, at a glance: draft, scheduled, published,
expired, withdrawn; as coloured words in the admin's lists, a filter, and a sentence after saving.

One rule per state, stated twice in the same place: as a test on one row (:func:`entry_state`,
:func:`alert_state`) and as a query (:func:`entry_states_query`, :func:`alert_states_query`).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

DRAFT, SCHEDULED, PUBLISHED, CURRENT, EXPIRED, WITHDRAWN = (
    "draft",
    "scheduled",
    "published",
    "current",
    "expired",
    "withdrawn",
)

#: state -> (words, colour of the badge)
LOOK = {
    DRAFT: (pgettext_lazy("state", "draft"), "#6c757d"),
    SCHEDULED: (pgettext_lazy("state", "scheduled"), "#1d5fa8"),
    PUBLISHED: (pgettext_lazy("state", "published"), "#2a7a32"),
    CURRENT: (pgettext_lazy("state", "on the kiosks"), "#2a7a32"),
    EXPIRED: (pgettext_lazy("state", "expired"), "#9a5b00"),
    WITHDRAWN: (pgettext_lazy("state", "withdrawn"), "#a4262c"),
}
ENTRY_STATES = (DRAFT, SCHEDULED, PUBLISHED, EXPIRED, WITHDRAWN)
ALERT_STATES = (SCHEDULED, CURRENT, EXPIRED, WITHDRAWN)


def with_last_date(queryset):
    """Entries annotated with ``last_date``: when their last date ends (events), for :func:`entry_state`."""
    return queryset.annotate(last_date=Max(Coalesce("occurrences__end", "occurrences__start")))


def _last_date(entry):
    if hasattr(entry, "last_date"):
        return entry.last_date
    if not entry.pk:
        return None
    return with_last_date(type(entry).objects.filter(pk=entry.pk)).values_list("last_date", flat=True).first()


def entry_state(entry, now=None) -> str:
    now = now or timezone.now()
    if entry.status == "draft":
        return DRAFT
    if entry.status == "withdrawn":
        return WITHDRAWN
    if entry.visible_until and entry.visible_until <= now:
        return EXPIRED
    if entry.kind == "event" and (last := _last_date(entry)) and last < now:
        return EXPIRED
    if entry.visible_from and entry.visible_from > now:
        return SCHEDULED
    return PUBLISHED


def entry_states_query(state: str, now=None) -> Q:
    """The filter for entries in ``state`` (on a queryset from :func:`with_last_date`)."""
    now = now or timezone.now()
    expired = Q(visible_until__lte=now) | Q(kind="event", last_date__lt=now)
    # Said positively, not as ~expired: NOT on a missing date would leave the row out.
    running = (Q(visible_until__isnull=True) | Q(visible_until__gt=now)) & (
        ~Q(kind="event") | Q(last_date__isnull=True) | Q(last_date__gte=now)
    )
    if state in (DRAFT, WITHDRAWN):
        return Q(status=state)
    if state == EXPIRED:
        return Q(status="published") & expired
    if state == SCHEDULED:
        return Q(status="published", visible_from__gt=now) & running
    return Q(status="published") & running & (Q(visible_from__isnull=True) | Q(visible_from__lte=now))


def alert_state(alert, now=None) -> str:
    now = now or timezone.now()
    if not alert.active:
        return WITHDRAWN
    if alert.until and alert.until <= now:
        return EXPIRED
    if alert.starts and alert.starts > now:
        return SCHEDULED
    return CURRENT


def alert_states_query(state: str, now=None) -> Q:
    now = now or timezone.now()
    not_over = Q(until__isnull=True) | Q(until__gt=now)
    if state == WITHDRAWN:
        return Q(active=False)
    if state == EXPIRED:
        return Q(active=True, until__lte=now)
    if state == SCHEDULED:
        return Q(active=True, starts__gt=now) & not_over
    return Q(active=True, starts__lte=now) & not_over


def badge(state: str):
    words, colour = LOOK[state]
    return format_html(
        '<span class="borne-state borne-state-{}" style="display:inline-block;padding:2px 8px;border-radius:10px;'
        'color:#fff;background:{};font-weight:bold;white-space:nowrap">{}</span>',
        state,
        colour,
        words,
    )


class _StateFilter(admin.SimpleListFilter):
    title = gettext_lazy("state on the kiosks")
    parameter_name = "state"
    states: tuple[str, ...] = ()

    def lookups(self, request, model_admin):
        return [(state, LOOK[state][0]) for state in self.states]

    def queryset(self, request, queryset):
        if self.value() in self.states:
            return queryset.filter(self.query(self.value()))
        return queryset


class EntryStateFilter(_StateFilter):
    states = ENTRY_STATES

    @staticmethod
    def query(state):
        return entry_states_query(state)


class AlertStateFilter(_StateFilter):
    states = ALERT_STATES

    @staticmethod
    def query(state):
        return alert_states_query(state)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def entry_saved_note(entry) -> str | None:
    """What to tell staff after saving an entry that the kiosks will not show right now."""
    state = entry_state(entry)
    if state == DRAFT:
        return _("Draft saved: it is not on the kiosks yet. Set its status to “published” when it is ready.")
    if state == SCHEDULED:
        return _("Scheduled: it reaches the kiosks on %(when)s.") % {"when": _when(entry.visible_from)}
    if state == EXPIRED:
        return _("Saved, but its publication is over: the kiosks do not show it.")
    if state == WITHDRAWN:
        return _("Withdrawn: the kiosks remove it at their next sync.")
    return None


def alert_saved_note(alert) -> str | None:
    state = alert_state(alert)
    if state == WITHDRAWN:
        return _("Saved but not active: the kiosks do not show this alert. Tick “active” to show it.")
    if state == SCHEDULED:
        return _("Scheduled: the kiosks show this alert from %(when)s.") % {"when": _when(alert.starts)}
    if state == EXPIRED:
        return _("This alert has already ended (%(when)s): the kiosks do not show it.") % {"when": _when(alert.until)}
    return None
