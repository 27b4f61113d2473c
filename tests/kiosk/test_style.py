"""Kivy's style rules cut down to Borne's (kiosk/style.py): what is kept, the data folder, and that
every widget of the app finds its Kivy rules there."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import style

REPO = Path(__file__).resolve().parents[2]
KV_DIR = REPO / "kiosk" / "kv"

SAMPLE = """#:kivy 1.0

<Label>:
    canvas:
        Color:
            rgba: 1, 1, 1, 1

<-Button,-ToggleButton>:
    state_image: self.background_normal

# =====
# Pickers
# =====
#:import kivy kivy

<Image,AsyncImage>:
    fit_mode: "contain"
[FileIconEntry@Widget]:
    size: 10, 10
<ColorPicker_Label@Label>
    size_hint_y: None
"""


def test_rule_names():
    assert style.rule_names("<Label>:") == {"Label"}
    assert style.rule_names("<-Button,-ToggleButton>:\n") == {"Button", "ToggleButton"}
    assert style.rule_names("<Image, AsyncImage>:") == {"Image", "AsyncImage"}
    assert style.rule_names("<ColorPicker_Label@Label>") == {"ColorPicker_Label"}
    assert style.rule_names("[FileIconEntry@Widget]:") == {"FileIconEntry"}


def test_trim_keeps_the_directives_and_the_rules_of_the_named_classes():
    kept = style.trim(SAMPLE, {"Label", "Image"})
    assert kept.startswith("#:kivy 1.0\n#:import kivy kivy\n")
    assert "<Label>:\n    canvas:\n        Color:\n            rgba: 1, 1, 1, 1\n" in kept
    assert '<Image,AsyncImage>:\n    fit_mode: "contain"\n' in kept
    # a dynamic class built on Label is a class of its own: not kept with Label's rule
    for dropped in ("Button", "FileIconEntry", "ColorPicker_Label", "background_normal", "size_hint_y"):
        assert dropped not in kept
    assert style.trim(SAMPLE, set()).strip() == "#:kivy 1.0\n#:import kivy kivy"


def test_the_data_folder_links_kivys_own_and_holds_the_trimmed_style(tmp_path):
    source = style.kivy_data_dir()
    folder = style.prepare(tmp_path)
    assert folder == tmp_path / "data"
    entries = {e.name for e in source.iterdir()}
    assert {e.name for e in folder.iterdir()} == entries
    for name in entries - {style.STYLE}:
        assert (folder / name).is_symlink() and (folder / name).resolve() == (source / name).resolve()
    text = (folder / style.STYLE).read_text(encoding="utf-8")
    headers = {name for line in text.splitlines() if line.startswith("<") for name in style.rule_names(line)}
    assert headers == set(style.RULES) | {"AsyncImage"}  # <Image,AsyncImage> is one rule


def test_the_data_folder_is_only_written_when_it_is_not_right(tmp_path):
    folder = style.prepare(tmp_path)
    stamp = (folder / style.STYLE).stat().st_mtime_ns
    style.prepare(tmp_path)
    assert (folder / style.STYLE).stat().st_mtime_ns == stamp
    # a link left by another Kivy, and a style cut for other rules, are put right
    (folder / "gone").symlink_to(tmp_path)
    (folder / "fonts").unlink()
    (folder / "fonts").symlink_to(tmp_path)
    style.prepare(tmp_path, keep=frozenset({"Label"}))
    assert not (folder / "gone").exists()
    assert (folder / "fonts").resolve() == (style.kivy_data_dir() / "fonts").resolve()
    assert "<ScrollView>" not in (folder / style.STYLE).read_text(encoding="utf-8")
    style.prepare(tmp_path)
    assert "<ScrollView>" in (folder / style.STYLE).read_text(encoding="utf-8")


def test_kivy_started_on_the_data_folder_has_the_kept_rules_and_its_fonts(tmp_path):
    folder = style.prepare(tmp_path)
    script = (
        "import json\n"
        "from kivy.lang import Builder\n"
        "from kivy.resources import resource_find\n"
        "from kivy.core.text import LabelBase\n"
        "from kivy.uix.label import Label\n"
        "from kivy.uix.button import Button\n"
        "print(json.dumps({'label': len(Builder.match(Label())), 'button': len(Builder.match(Button())),\n"
        "    'font': bool(resource_find(LabelBase._fonts['Roboto'][0]))}))\n"
    )
    env = {**os.environ, "KIVY_DATA_DIR": str(folder), "KIVY_HOME": str(tmp_path / "home"), "KIVY_NO_ARGS": "1"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    # Button's own rule (in Kivy's whole style) is not there: it inherits Label's, as any subclass
    assert seen == {"label": 1, "button": 1, "font": True}


def kivy_rule_names() -> set[str]:
    text = (style.kivy_data_dir() / style.STYLE).read_text(encoding="utf-8")
    return {name for line in text.splitlines() if line.startswith(("<", "[")) for name in style.rule_names(line)}


def widget_classes_of_the_app(app) -> set[type]:
    """Every widget class on the app's screens, every class registered by kiosk code or kv, and
    every class named in kiosk/kv (built or not yet)."""
    from kivy.factory import Factory

    classes = set()
    for name in app.built_screens():
        classes |= {type(w) for w in app.screen(name).walk()}
    classes |= {type(w) for w in app.root.walk()}
    named = set()
    for path in KV_DIR.glob("*.kv"):
        text = path.read_text(encoding="utf-8")
        named |= set(re.findall(r"^\s*([A-Z]\w*):", text, re.M))
        named |= {n for line in re.findall(r"^<([^>]+)>", text, re.M) for n in re.split(r"[,@+\-]", line) if n}
    for name, info in Factory.classes.items():
        if (info.get("module") or "").startswith("kiosk") or str(KV_DIR) in (info.get("filename") or ""):
            named.add(name)
    for name in named:
        try:
            classes.add(Factory.get(name.strip()))
        except Exception:  # a graphics instruction or a name Factory does not know: no widget rule
            continue
    return classes


@pytest.mark.ui
def test_every_widget_of_the_app_finds_its_kivy_rules_in_the_trimmed_style(kiosk):
    app = kiosk.app
    for name in ("list", "search", "detail", "maintenance"):
        app.screen(name)
    kiosk.frames(2)
    kivy_rules = kivy_rule_names()
    needed = {}
    for cls in widget_classes_of_the_app(app):
        for base in cls.__mro__:
            if base.__name__ in kivy_rules:
                needed.setdefault(base.__name__, cls.__name__)
    missing = {rule: user for rule, user in needed.items() if rule not in style.RULES}
    assert not missing, f"add these Kivy rules to kiosk.style.RULES (rule: a class that needs it): {missing}"
    assert set(needed) == set(style.RULES), f"rules kept but no longer used: {set(style.RULES) - set(needed)}"
