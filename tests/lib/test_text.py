import pytest

from content.text import MarkupError, check_plain, escape_markup, fold, html_to_text


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "Un <a href='x'>lien</a>",
        "&amp; co",
        "[b]gras[/b]",
        "[ref=x]clic[/ref]",
        "[color=#ff0000]rouge",
        "[size=40]grand",
        "bip\x1b[0m",
    ],
)
def test_markup_and_control_characters_are_refused(value):
    with pytest.raises(MarkupError):
        check_plain(value)


@pytest.mark.parametrize(
    "value",
    ["Ouvert de 9 h à 12 h", "Prix : 5 € [enfants gratuits]", "Ligne 1\n\nLigne 2", "3 < 5 et 7 > 2", "Tom & Jerry"],
)
def test_plain_text_passes(value):
    assert check_plain(value) == value


def test_check_plain_normalises_line_ends_and_space():
    assert check_plain("  a\r\nb\rc  ") == "a\nb\nc"


def test_escape_markup_shows_brackets_literally():
    assert escape_markup("[b]x[/b] & y") == "&bl;b&br;x&bl;/b&br; &amp; y"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>Un <b>musée</b>.</p><p>Deux&nbsp;salles</p>", "Un musée.\n\nDeux salles"),
        ("Ligne<br>suivante", "Ligne\nsuivante"),
        ("<ul><li>un</li><li>deux</li></ul>", "• un\n• deux"),
        (
            "## Titre\n\n**Gras** et *italique*, [site](https://example.org)",
            "Titre\n\nGras et italique, site (https://example.org)",
        ),
        ("[b]kivy[/b] <i>html</i>", "kivy html"),
    ],
)
def test_html_and_markdown_become_plain_text(source, expected):
    assert html_to_text(source) == expected
    check_plain(html_to_text(source))


def test_fold_removes_accents_and_case():
    assert fold("Cathédrale SAINT-Pierre Œuvre") == "cathedrale saint-pierre œuvre"
