"""The three staff roles, kept in step with the models after every migrate."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: group name -> {app_label.model: actions}
ROLES = {
    "editor": {
        "catalog.entry": "add change delete view",
        "catalog.occurrence": "add change delete view",
        "catalog.entryimage": "add change delete view",
        "catalog.alert": "add change delete view",
        "catalog.commune": "view",
        "catalog.mediafile": "add view",
        "portal.submission": "view",
        "usb.bundleexport": "add view",  # editors publish, so they also carry it to the villages' sticks
        "notices.notice": "add view",  # publish and withdraw official notices (never edit them)
        "notices.publicationevent": "view",
    },
    "moderator": {
        "catalog.entry": "view change",
        "catalog.commune": "view",
        "portal.submission": "view change moderate",
        "portal.invitation": "add change view",
    },
    "administrator": "*",
}
ROLE_NAMES = {"editor": _("editor"), "moderator": _("moderator"), "administrator": _("administrator")}
#: The groups' names as staff read them in the admin (the back office's staff work in French). A group
#: is data: its name is shown as it is stored, so it is stored in French; code refers to the role.
GROUP_NAMES = {"editor": "rédacteur", "moderator": "modérateur", "administrator": "administrateur"}


def role_group(role: str, using: str = "default"):
    """The staff group of ``role`` (``editor``, ``moderator``, ``administrator``)."""
    from django.contrib.auth.models import Group

    return Group.objects.using(using).get(name=GROUP_NAMES[role])


def ensure_groups(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLES.items():
        name = GROUP_NAMES[role]
        # A back office made before the groups had French names: rename them, members and all.
        Group.objects.using(using).filter(name=role).exclude(
            pk__in=Group.objects.using(using).filter(name=name).values("pk")
        ).update(name=name)
        group, _created = Group.objects.using(using).get_or_create(name=name)
        if perms == "*":
            wanted = Permission.objects.using(using).filter(
                content_type__app_label__in=[
                    "catalog",
                    "fleet",
                    "portal",
                    "opendata",
                    "dashboard",
                    "usb",
                    "auth",
                    "django_celery_beat",
                    "jobs",
                    "notices",
                ]
            )
        else:
            wanted = []
            for label, actions in perms.items():
                app_label, model = label.split(".")
                for action in actions.split():
                    codename = action if action == "moderate" else f"{action}_{model}"
                    perm = (
                        Permission.objects.using(using)
                        .filter(content_type__app_label=app_label, codename=codename)
                        .first()
                    )
                    if perm is not None:
                        wanted.append(perm)
        group.permissions.set(wanted)
