import re

import pytest

from content import categories
from content.categories import CATEGORIES, GROUPS, LANGUAGES, Category, for_group, name
from content.contract import KINDS, UI_LANGUAGES

SLUG_RE = re.compile(r"^[a-z]+(-[a-z]+)*$")


def test_languages_and_groups_match_the_contract():
    assert LANGUAGES == UI_LANGUAGES
    assert GROUPS == KINDS


@pytest.mark.parametrize("slug", sorted(CATEGORIES))
def test_every_slug_is_lowercase_hyphen_and_named_in_six_languages(slug):
    category = CATEGORIES[slug]
    assert SLUG_RE.match(slug)
    assert category.slug == slug
    assert category.group in GROUPS
    assert set(category.names) == set(LANGUAGES)
    assert all(n.strip() == n and n for n in category.names.values())
    assert category.icon and SLUG_RE.match(category.icon)


def test_the_slugs_entries_already_use_are_kept():
    kept = ("museum", "church", "market", "bakery", "cheese-shop", "pharmacy", "toilets", "defibrillator", "gite")
    assert all(s in CATEGORIES for s in kept)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Fromagerie"),
        ("en", "Cheese shop"),
        ("de", "Käserei"),
        ("es", "Quesería"),
        ("it", "Formaggeria"),
        ("nl", "Kaaswinkel"),
    ],
)
def test_name_in_each_language(lang, expected):
    assert name("cheese-shop", lang) == expected
    assert CATEGORIES["cheese-shop"].name(lang) == expected


def test_name_falls_back_to_french_for_another_language():
    assert name("bakery", "pt") == "Boulangerie"


def test_unknown_slug_is_named_in_the_error():
    with pytest.raises(ValueError, match="'cheeseshop'"):
        name("cheeseshop", "fr")


def test_for_group_keeps_vocabulary_order_and_only_that_group():
    shops = for_group("shop")
    assert shops[0].slug == "bakery"
    assert {c.group for c in shops} == {"shop"}
    assert sum(len(for_group(g)) for g in GROUPS) == len(CATEGORIES)


def test_for_unknown_group_says_which_groups_exist():
    with pytest.raises(ValueError, match="place, heritage"):
        for_group("shops")


def test_small_town_services_are_there():
    for slug in ("laundry", "bank", "vet", "optician", "market-hall"):
        assert isinstance(categories.get(slug), Category)


def test_names_are_distinct_within_a_language_and_group():
    for group in GROUPS:
        for lang in LANGUAGES:
            names = [c.name(lang) for c in for_group(group)]
            assert len(names) == len(set(names)), (group, lang)
