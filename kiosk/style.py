"""Kivy's own style rules, cut down to the ones Borne's widgets use, so that start does not parse the rest.

The first import of ``kivy.lang`` parses ``kivy/data/style.kv`` whole: 74 rules for every widget Kivy
ships (file choosers, settings panels, video players, colour pickers ...), about 45 ms on this
machine before the first frame. Borne's widgets match seven of them. :func:`prepare` writes a Kivy
data folder in Kivy's home whose ``style.kv`` holds only the rules named in :data:`RULES`, every
other entry (fonts, shaders, images, keyboards ...) a link to Kivy's own; ``KIVY_DATA_DIR`` points
Kivy at it (kiosk.config.configure). The kiosk tests check that every widget class of the app finds
its Kivy rules in :data:`RULES`: a Kivy widget newly used must be added there.

Kivy's rules come first and Borne's kv files after, as with the whole file: a rule of ours such as
``<-QuietLabel@Label>`` (which drops the rules matched before it) still finds Kivy's ``<Label>``
before it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
from pathlib import Path

STYLE = "style.kv"
#: The rules of Kivy's style.kv that Borne's widgets match (by the class names of their MRO).
RULES = frozenset({"Image", "Label", "ModalView", "RelativeLayout", "ScreenManager", "ScrollView", "StencilView"})


def rule_names(header: str) -> set[str]:
    """The classes a rule's header line applies to: ``<-Button,-ToggleButton>:`` -> {Button, ToggleButton};
    a dynamic class ``<ColorPicker_Label@Label>`` or template ``[FileIconEntry@Widget]:`` is named by
    the class it defines."""
    inside = header.strip().rstrip(":").strip()[1:-1]
    return {part.strip().lstrip("-").split("@")[0].strip() for part in inside.split(",") if part.strip()}


def trim(text: str, keep: frozenset[str] | set[str]) -> str:
    """``text`` (a kv file of rules) with only the rules that apply to a class in ``keep``; the
    file's directives (``#:kivy``, ``#:import`` ...) are kept, first."""
    directives: list[str] = []
    blocks: list[tuple[set[str], list[str]]] = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#:"):
            directives.append(line)
        elif line.startswith(("<", "[")):
            blocks.append((rule_names(line), [line]))
        elif blocks:
            blocks[-1][1].append(line)
    kept = [line for names, lines in blocks if names & keep for line in lines]
    return "".join(directives) + "\n" + "".join(kept)


def kivy_data_dir() -> Path | None:
    """Kivy's own data folder, found without importing Kivy (Kivy reads ``KIVY_DATA_DIR`` on import)."""
    spec = importlib.util.find_spec("kivy")
    if spec is None or not spec.origin:
        return None
    folder = Path(spec.origin).parent / "data"
    return folder if (folder / STYLE).is_file() else None


def prepare(kivy_home: Path, keep: frozenset[str] = RULES) -> Path | None:
    """Make (or bring up to date) ``<kivy_home>/data``: Kivy's data folder with a trimmed style.kv.

    Nothing is written when it is already right, so that a kiosk's start does not wear its storage.
    None when Kivy's own folder cannot be found (Kivy then uses its own, whole).
    """
    source = kivy_data_dir()
    if source is None:
        return None
    target = kivy_home / "data"
    target.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry for entry in source.iterdir() if entry.name != STYLE}
    for entry in target.iterdir():
        if entry.name != STYLE and (entry.name not in wanted or not _links_to(entry, wanted[entry.name])):
            entry.unlink()  # left by another Kivy (an upgrade): only links live here
    for name, entry in wanted.items():
        if not (target / name).is_symlink():
            with contextlib.suppress(FileExistsError):  # another process starting at the same time made it
                (target / name).symlink_to(entry)
    style = trim((source / STYLE).read_text(encoding="utf-8"), keep)
    path = target / STYLE
    if not path.is_file() or path.read_text(encoding="utf-8") != style:
        temporary = path.with_name(f".{STYLE}.{os.getpid()}")
        temporary.write_text(style, encoding="utf-8")
        temporary.replace(path)  # whole or not at all, even if two processes start at once
    return target


def _links_to(link: Path, entry: Path) -> bool:
    return link.is_symlink() and Path(os.readlink(link)) == entry
