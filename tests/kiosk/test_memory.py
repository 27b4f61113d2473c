"""What the kiosk does to keep its memory down over months: pictures and label pixels let go of."""

from kivy.cache import Cache
from kivy.uix.image import Image

from kiosk.app import HOUSEKEEPING_QUIET


def test_leaving_a_list_lets_go_of_its_thumbnails(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"), settle=0.3)
    rows = kiosk.visible_rows()
    assert any(row.thumb for row in rows), "the heritage list shows photos"
    kiosk.tap(kiosk.screen("list").ids.topbar.ids.home)
    kiosk.settled()
    assert not any(row.thumb for row in rows)


def test_once_the_screen_is_left_alone_unused_images_are_released(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"), settle=0.1)
    assert Cache._objects["kv.texture"], "the list's thumbnails went through Kivy's image cache"
    kiosk.wait(HOUSEKEEPING_QUIET + 0.5)
    assert not Cache._objects["kv.texture"] and not Cache._objects["kv.image"]
    shown = [row for row in kiosk.visible_rows() if row.thumb]
    assert shown, "the rows still show their thumbnails"
    for row in shown:
        image = next(w for w in row.walk(restrict=True) if isinstance(w, Image))
        assert image.texture is not None


def test_leaving_a_page_lets_go_of_its_photos_but_coming_straight_back_shows_them(kiosk):
    kiosk.start_visit()
    kiosk.tap(kiosk.tile("heritage"), settle=0.3)
    entry_id = kiosk.visible_rows()[0].entry_id
    kiosk.app.open_entry(entry_id)
    kiosk.settled()
    photos = kiosk.screen("detail").ids.photos
    assert photos.slides
    kiosk.app.back()
    kiosk.settled()
    assert not photos.slides and kiosk.screen("detail").qr is None
    # Back, then the same row at once, before the slide away from the page has ended.
    kiosk.app.open_entry(entry_id)
    kiosk.app.back()
    kiosk.app.open_entry(entry_id)
    kiosk.settled()
    assert kiosk.current == "detail" and photos.slides and kiosk.screen("detail").qr is not None


def test_the_attract_loop_lets_go_of_its_photo_while_a_visitor_uses_the_kiosk(kiosk):
    kiosk.app.reset_visit()
    kiosk.settled()
    attract = kiosk.screen("attract")
    with_photo = next(i for i, card in enumerate(attract.slides) if card.thumb)
    attract.show(with_photo)
    assert attract.slide_image
    kiosk.start_visit()
    kiosk.settled()
    assert attract.slide_image == ""
    kiosk.app.reset_visit()
    kiosk.settled()
    assert kiosk.current == "attract"
    attract.show(with_photo)
    assert attract.slide_image, "the loop shows photos again"


def test_labels_keep_their_texture_but_not_a_second_copy_of_their_pixels(kiosk):
    from kivy.uix.label import Label

    kiosk.start_visit()
    labels = [w for w in kiosk.screen("home").walk(restrict=True) if isinstance(w, Label) and w.text]
    assert len(labels) > 5
    for label in labels:
        assert label.texture is not None and label.texture.size[0] > 0, label.text
        assert getattr(label._label, "_surface", None) is None, f"{label.text!r} keeps its SDL surface"
