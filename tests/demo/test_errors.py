"""A broken source gives an error naming the file and the entry, and nothing is half-built."""

from __future__ import annotations

import pytest

from content.demo import DemoError, load_demo

from .conftest import NOW, TODAY


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _load(folder):
    return load_demo(TODAY, now=NOW, source_dir=folder)


def test_the_copy_loads(sources):
    assert len(_load(sources).entries) >= 70


def test_invalid_field_names_file_entry_and_field(sources):
    _edit(sources / "shops.toml", 'categories = ["bakery"]', 'categories = ["boulangerie"]')
    with pytest.raises(DemoError) as err:
        _load(sources)
    message = str(err.value)
    assert "shops.toml, entry 'fournil-des-orgues'" in message
    assert "categories" in message and "'boulangerie'" in message


def test_invalid_opening_hours_names_the_entry(sources):
    _edit(sources / "shops.toml", '"Tu-Sa 08:00-12:30,15:00-19:00; PH off"', '"mardi au samedi"')
    with pytest.raises(DemoError, match=r"shops\.toml, entry 'pres-de-la-planeze': opening_hours"):
        _load(sources)


def test_markup_in_text_is_refused(sources):
    _edit(sources / "heritage.toml", 'fr = "Le Beau Dieu Noir"', 'fr = "Le <b>Beau</b> Dieu Noir"')
    with pytest.raises(DemoError, match=r"heritage\.toml, entry 'beau-dieu-noir': title: HTML"):
        _load(sources)


def test_toml_syntax_error_names_the_file(sources):
    _edit(sources / "events.toml", 'slug = "bal-folk"', 'slug = "bal-folk')
    with pytest.raises(DemoError, match=r"events\.toml: not valid TOML"):
        _load(sources)


def test_missing_image_names_file_entry_and_image(sources):
    _edit(sources / "places.toml", 'file = "lac.jpg"', 'file = "lac-perdu.jpg"')
    with pytest.raises(DemoError, match=r"places\.toml, entry 'lac-de-garabit-grandval': image file 'lac-perdu\.jpg'"):
        _load(sources)


def test_bad_relative_date_names_the_event(sources):
    _edit(sources / "events.toml", 'when = { days = 5, start = "20:30"', 'when = { days = 5, start = "20h30"')
    with pytest.raises(DemoError, match=r"events\.toml, entry 'concert-orgue-cathedrale': .*HH:MM"):
        _load(sources)


def test_typo_in_a_key_is_reported(sources):
    _edit(sources / "services.toml", 'slug = "gare"\n', 'slug = "gare"\nopening_hour = "24/7"\n')
    with pytest.raises(DemoError, match=r"services\.toml, entry 'gare': unknown key 'opening_hour'"):
        _load(sources)


def test_duplicate_slug_names_both_files(sources):
    _edit(sources / "alerts.toml", 'slug = "vent-fort"', 'slug = "gare"')
    # alerts.toml is read before services.toml: the second use is the one reported.
    with pytest.raises(DemoError, match=r"services\.toml, entry 'gare': slug already used in .*alerts\.toml"):
        _load(sources)


def test_alert_error_names_the_alert(sources):
    _edit(sources / "alerts.toml", 'level = "warning"', 'level = "severe"')
    with pytest.raises(DemoError, match=r"alerts\.toml, alert 'travaux-rue-du-college': level"):
        _load(sources)


def test_event_without_dates_is_refused(sources):
    _edit(sources / "events.toml", 'when = { days = 6, start = "21:30", end = "23:30" }\n', "")
    with pytest.raises(DemoError, match=r"events\.toml, entry 'cinema-plein-air': an event needs"):
        _load(sources)


def test_unknown_time_zone():
    with pytest.raises(DemoError, match="time zone"):
        load_demo(TODAY, tz="Europe/Saint-Flour")


def test_errors_name_repository_files_as_a_person_would():
    from content.demo import DEMO_DIR
    from content.demo.sources import display_path

    assert display_path(DEMO_DIR / "shops.toml") == "content/demo/shops.toml"


def test_typo_inside_place_is_reported(sources):
    _edit(sources / "heritage.toml", "lat = 45.0298, lon = 3.0958", "lat = 45.0298, lng = 3.0958")
    with pytest.raises(DemoError, match=r"heritage\.toml, entry 'pont-vieux': unknown key 'lng' in place"):
        _load(sources)
