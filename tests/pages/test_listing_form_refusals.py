"""The listing form pages over plain HTTP: every bad input gets its field's error and stores nothing
(no listing, no post, no upload row, no file), forged forms are refused, script stays text, and
nobody but the seller can edit or delete a listing."""

import io
import os
import re
import urllib.error
import urllib.request
import uuid

import pytest
from PIL import Image

from redfed.services.shop import listings
from redfed.services.social import showcase

from .shop_support import create_listing, rows
from .test_forms import Browser

GOOD = {
    "title": "Tea set", "description": "Six cups. #tea", "price_kind": "fixed", "price_amount": "88", "price_currency": "CNY",
    "quantity": "2", "availability": "in_stock", "condition": "new", "category": "kitchen", "regions": "Shanghai",
    "checkout_url": "", "visibility": "public",
}


def _png(colour=(10, 120, 200), size=(60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{item}\r\n'.encode())
    for name, value in files.items():
        for filename, data in value if isinstance(value, list) else [value]:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            parts.append(head.encode() + b"Content-Type: application/octet-stream\r\n\r\n" + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _post(browser: Browser, url: str, fields: dict, files: dict | None = None):
    body, content_type = _multipart(fields, files or {})
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with browser._opener.open(req, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def _token(browser: Browser, instance, path: str = "/listings/new") -> str:
    reply = browser.open(instance.url(path))
    assert reply.status == 200, path
    return re.search(r'name="csrf_token" value="([^"]+)"', reply.text)[1]


def _stored(instance) -> tuple:
    """What an error must leave untouched: listings, posts, upload rows and files on disk."""
    files = sorted(p for p in instance.config.media_path.rglob("*") if p.is_file())  # temporary ones too
    return (rows(instance, "SELECT count(*) FROM listings")[0][0], rows(instance, "SELECT count(*) FROM posts")[0][0],
            rows(instance, "SELECT count(*) FROM media")[0][0], len(files))


@pytest.fixture
def seller(start_instance):
    instance = start_instance("a", media={"max_image_bytes": 100_000})
    alice = instance.create_user("alice").actor
    browser = Browser()
    browser.sign_in(instance, "alice")
    return instance, alice, browser


def test_a_good_form__creates_the_listing_with_its_photos_and_redirects_to_it(seller):
    instance, alice, browser = seller
    token = _token(browser, instance)
    fields = {**GOOD, "csrf_token": token, "alt1": "Cups from above", "alt2": "The teapot", "paid_partnership": "1"}
    status, headers, _ = _post(browser, instance.url("/listings/new"), fields,
                               {"photo1": ("a.png", _png()), "photo2": ("b.png", _png((200, 10, 10)))})
    assert status == 303
    (post_id, title, amount, currency, quantity), = rows(
        instance, "SELECT post_id, title, price_amount, price_currency, quantity FROM listings")
    assert headers["Location"] == f"/users/alice/listings/{post_id}"
    assert (title, amount, currency, quantity) == ("Tea set", "88.00", "CNY", 2)
    assert rows(instance, "SELECT description FROM media WHERE post_id = ? ORDER BY position", post_id) == [
        ("Cups from above",), ("The teapot",)]
    assert rows(instance, "SELECT paid_partnership FROM posts WHERE id = ?", post_id) == [(1,)]


@pytest.mark.parametrize("changes, field, message", [
    ({"price_amount": "-5"}, "price", "A price cannot be negative."),
    ({"price_amount": "1e30"}, "price", "A price can be at most 1,000,000,000."),
    ({"price_amount": "12.345"}, "price", "This currency does not allow that many decimal places."),
    ({"price_amount": "NaN"}, "price", "Enter a price such as 12.50"),
    ({"price_amount": "Infinity"}, "price", "Enter a price such as 12.50"),
    ({"price_amount": "1,000"}, "price", "Enter a price such as 12.50"),
    ({"price_kind": "barter"}, "price", "Choose one of the options."),
    ({"price_amount": ""}, "price", "Enter a price such as 12.50"),
    ({"price_currency": "XYZ"}, "price", "Choose a currency from the list."),
    ({"quantity": "three"}, "quantity", "Enter the quantity as a whole number"),
    ({"quantity": "-1"}, "quantity", "Enter the quantity as a whole number"),
    ({"quantity": "1e3"}, "quantity", "Enter the quantity as a whole number"),
    ({"quantity": "99999999"}, "quantity", "Enter the quantity as a whole number"),
    ({"title": "   "}, "title", "Give the listing a title"),
    ({"title": "x" * 201}, "title", "Give the listing a title"),
    ({"availability": "maybe"}, "availability", "Choose one of the options."),
    ({"checkout_url": "javascript:alert(1)"}, "checkout_url", "Enter a link that starts with https://"),
    ({"description": "d" * 2001}, "description", "The description can be at most 2000 characters."),
    ({"visibility": "direct"}, "visibility", "Choose one of the options."),
])
def test_bad_fields__are_named_beside_the_field_and_nothing_is_stored(seller, changes, field, message):
    instance, _, browser = seller
    before = _stored(instance)
    fields = {**GOOD, **changes, "csrf_token": _token(browser, instance), "alt1": "first"}
    status, _, text = _post(browser, instance.url("/listings/new"), fields, {"photo1": ("a.png", _png())})
    assert status == 422
    assert f'id="{field}-error"' in text and message in text
    assert "Choose the new photos again" in text
    assert _stored(instance) == before


def test_several_bad_fields__are_all_named_at_once(seller):
    instance, _, browser = seller
    fields = {**GOOD, "price_amount": "-1", "quantity": "lots", "csrf_token": _token(browser, instance)}
    status, _, text = _post(browser, instance.url("/listings/new"), fields)
    assert status == 422
    assert 'id="price-error"' in text and 'id="quantity-error"' in text
    assert 'value="lots"' in text  # what was typed is kept


@pytest.mark.parametrize("upload, message", [
    (("notes.txt", b"just some text, not a picture"), "That file is not a photo we can read."),
    (("big.png", None), "Each photo can be at most 0.09537 MB."),
])
def test_a_bad_second_photo__removes_the_first_upload_again(seller, upload, message):
    instance, _, browser = seller
    before = _stored(instance)
    name, data = upload
    if data is None:  # noise does not compress: larger than the instance's 100 kB limit
        buffer = io.BytesIO()
        Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3)).save(buffer, "PNG")
        data = buffer.getvalue()
    fields = {**GOOD, "csrf_token": _token(browser, instance), "alt1": "fine", "alt2": "bad"}
    status, _, text = _post(browser, instance.url("/listings/new"), fields, {"photo1": ("a.png", _png()), "photo2": (name, data)})
    assert status == 422
    assert 'id="photo2-error"' in text and message in text
    assert _stored(instance) == before


def test_a_body_larger_than_the_form_allows__is_413_and_stores_nothing(seller):
    instance, alice, browser = seller
    listing, _ = create_listing(instance, alice)
    before = _stored(instance)
    fields = {**GOOD, "csrf_token": _token(browser, instance)}
    for path in ("/listings/new", f"/listings/{listing.post_id}/edit"):  # 4 photos of 100 kB and the fields fit
        status, _, text = _post(browser, instance.url(path), fields, {"photo1": ("a.png", b"\0" * 600_000)})
        assert status == 413 and "too large together" in text, path
    assert _stored(instance) == before
    assert rows(instance, "SELECT price_currency FROM listings") == [("USD",)]


def test_a_forged_csrf_token__is_refused_on_create_edit_and_delete(seller):
    instance, alice, browser = seller
    listing, _ = create_listing(instance, alice)
    before = _stored(instance)
    for path in ("/listings/new", f"/listings/{listing.post_id}/edit"):
        status, _, _ = _post(browser, instance.url(path), {**GOOD, "csrf_token": "forged"}, {"photo1": ("a.png", _png())})
        assert status == 403, path
    assert browser.open(instance.url(f"/listings/{listing.post_id}/delete"), {"csrf_token": "forged"}).status == 403
    assert _stored(instance) == before
    assert rows(instance, "SELECT title FROM listings") == [("Blue one-speed bike",)]


def test_script_in_the_title__is_shown_as_text_on_the_form_and_the_listing_page(seller):
    instance, _, browser = seller
    title = '<script>alert("x")</script>'
    fields = {**GOOD, "title": title, "csrf_token": _token(browser, instance)}
    status, headers, _ = _post(browser, instance.url("/listings/new"), fields)
    assert status == 303
    shown = browser.open(instance.url(headers["Location"])).text
    assert "<script>alert" not in shown and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in shown
    post_id = rows(instance, "SELECT post_id FROM listings")[0][0]
    form = browser.open(instance.url(f"/listings/{post_id}/edit")).text
    assert "<script>alert" not in form and "&lt;script&gt;" in form


def test_another_person__cannot_open_edit_or_delete_the_listing(seller):
    instance, alice, _ = seller
    instance.create_user("mallory")
    listing, _ = create_listing(instance, alice)
    mallory = Browser()
    mallory.sign_in(instance, "mallory")
    token = _token(mallory, instance)
    before = _stored(instance)
    for path in (f"/listings/{listing.post_id}/edit", f"/listings/{listing.post_id}/delete", "/listings/99999/edit",
                 "/listings/abc/edit"):
        assert mallory.open(instance.url(path)).status == 404, path
    status, _, _ = _post(mallory, instance.url(f"/listings/{listing.post_id}/edit"), {**GOOD, "csrf_token": token})
    assert status == 404
    assert mallory.open(instance.url(f"/listings/{listing.post_id}/delete"), {"csrf_token": token}).status == 404
    assert _stored(instance) == before
    assert rows(instance, "SELECT title, price_amount FROM listings") == [("Blue one-speed bike", "30.00")]


def test_signed_out__the_form_pages_send_to_sign_in(seller):
    instance, alice, _ = seller
    listing, _ = create_listing(instance, alice)
    for path in ("/listings/new", f"/listings/{listing.post_id}/edit", f"/listings/{listing.post_id}/delete"):
        reply = Browser().open(instance.url(path))
        assert reply.status == 303 and reply.headers["Location"].startswith("/auth/sign_in"), path


def test_an_edit__keeps_removes_and_adds_photos_and_a_bad_edit_changes_nothing(seller):
    instance, alice, browser = seller
    listing, _ = create_listing(instance, alice, photos=[((1, 2, 3), "first"), ((4, 5, 6), "second")])
    first, second = (i for (i,) in rows(instance, "SELECT id FROM media WHERE post_id = ? ORDER BY position", listing.post_id))
    path = f"/listings/{listing.post_id}/edit"
    form = browser.open(instance.url(path)).text
    assert 'value="Blue one-speed bike"' in form and 'value="30.00"' in form and ">Berlin\nPotsdam</textarea>" in form
    token = _token(browser, instance, path)
    before = _stored(instance)
    bad = {**GOOD, "csrf_token": token, "price_amount": "-3", "remove": [str(first)]}
    status, _, text = _post(browser, instance.url(path), bad, {"photo1": ("c.png", _png())})
    assert status == 422 and 'id="price-error"' in text
    assert f'name="remove" value="{first}" checked' in text
    assert _stored(instance) == before
    status, _, text = _post(browser, instance.url(path), {**GOOD, "csrf_token": token, "status": "hidden"})
    assert status == 422 and 'id="status-error"' in text
    assert _stored(instance) == before and rows(instance, "SELECT status FROM listings") == [("open",)]
    too_long = {**GOOD, "csrf_token": token, f"alt_{second}": "x" * 1501}
    status, _, text = _post(browser, instance.url(path), too_long)
    assert status == 422 and f'id="alt_{second}-error"' in text and "A description is too long." in text
    assert _stored(instance) == before
    assert rows(instance, "SELECT description FROM media WHERE id = ?", second) == [("second",)]
    good = {**GOOD, "csrf_token": token, "price_amount": "99.5", "remove": [str(first)], "alt1": "third",
            f"alt_{second}": "second, described better", "status": "paused"}
    status, headers, _ = _post(browser, instance.url(path), good, {"photo1": ("c.png", _png())})
    assert status == 303 and headers["Location"] == f"/users/alice/listings/{listing.post_id}"
    photos = rows(instance, "SELECT id, description FROM media WHERE post_id = ? ORDER BY position", listing.post_id)
    assert [d for _, d in photos] == ["second, described better", "third"] and photos[0][0] == second
    assert rows(instance, "SELECT price_amount, price_currency, status FROM listings") == [("99.50", "CNY", "paused")]


def test_an_edit_past_twenty_photos__is_refused(seller):
    instance, alice, browser = seller
    listing, _ = create_listing(instance, alice, photos=[((i, i, i), f"photo {i}") for i in range(listings.MAX_PHOTOS)])
    path = f"/listings/{listing.post_id}/edit"
    before = _stored(instance)
    status, _, text = _post(browser, instance.url(path), {**GOOD, "csrf_token": _token(browser, instance, path)},
                            {"photo1": ("c.png", _png())})
    assert status == 422 and 'id="photos-error"' in text
    assert _stored(instance) == before


def test_delete__asks_first_then_removes_the_listing(seller):
    instance, alice, browser = seller
    listing, _ = create_listing(instance, alice)
    path = f"/listings/{listing.post_id}/delete"
    confirm = browser.open(instance.url(path))
    assert confirm.status == 200 and "Blue one-speed bike" in confirm.text
    assert rows(instance, "SELECT count(*) FROM listings") == [(1,)]
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm.text)[1]
    reply = browser.open(instance.url(path), {"csrf_token": token})
    assert reply.status == 303 and reply.headers["Location"] == "/@alice/shop"
    assert rows(instance, "SELECT count(*) FROM listings") == [(0,)]
    assert browser.open(instance.url(f"/users/alice/listings/{listing.post_id}")).status in (404, 410)


def test_errors__are_in_the_sellers_language(seller):
    instance = seller[0]
    chen = instance.create_user("chen")
    instance.run(showcase.set_locale(instance.runtime.db, chen.user, "zh"))
    browser = Browser()
    browser.sign_in(instance, "chen")
    fields = {**GOOD, "price_amount": "-1", "quantity": "三", "csrf_token": _token(browser, instance)}
    status, _, text = _post(browser, instance.url("/listings/new"), fields)
    assert status == 422
    assert "价格不能为负数。" in text and "请输入 0 到 1,000,000 之间的整数作为数量" in text
    assert "商品未保存" in text


def test_an_uploaded_files_name__is_never_used_for_storage(seller):
    instance, _, browser = seller
    fields = {**GOOD, "csrf_token": _token(browser, instance), "alt1": "cups"}
    status, _, _ = _post(browser, instance.url("/listings/new"), fields, {"photo1": ("../../../etc/evil.png", _png())})
    assert status == 303
    (key,), = rows(instance, "SELECT file_key FROM media")
    assert "evil" not in key and ".." not in key
    assert not any("evil" in p.name for p in instance.config.media_path.parent.rglob("*"))


def test_new_listing_links__show_only_on_the_sellers_own_shop_and_profile(seller):
    instance, _, browser = seller
    instance.create_user("bob")
    for path in ("/@alice", "/@alice/shop"):
        assert 'href="/listings/new"' in browser.open(instance.url(path)).text, path
        assert 'href="/listings/new"' not in browser.open(instance.url(path.replace("alice", "bob"))).text, path
        assert 'href="/listings/new"' not in Browser().open(instance.url(path)).text, path


def test_four_photos_near_the_size_limit__fit_in_one_form_larger_than_other_pages_allow(start_instance):
    instance = start_instance("big", media={"max_image_bytes": 1_000_000})  # four are over the 1 MiB default body
    alice = instance.create_user("alice").actor
    listing, _ = create_listing(instance, alice)
    browser = Browser()
    browser.sign_in(instance, "alice")
    photos = {}
    for number in range(1, 5):
        buffer = io.BytesIO()
        Image.frombytes("RGB", (540, 540), os.urandom(540 * 540 * 3)).save(buffer, "PNG")
        assert 800_000 < len(buffer.getvalue()) < 1_000_000
        photos[f"photo{number}"] = (f"{number}.png", buffer.getvalue())
    for path in ("/listings/new", f"/listings/{listing.post_id}/edit"):
        fields = {**GOOD, "csrf_token": _token(browser, instance, path)}
        status, _, _ = _post(browser, instance.url(path), fields, photos)
        assert status == 303, path
    assert rows(instance, "SELECT count(*) FROM media WHERE post_id IS NOT NULL") == [(8,)]
    # The compose form shares the raised limit: its photos too may be more than 1 MiB in all.
    fields = {"csrf_token": _token(browser, instance, "/compose"), "text": "four big ones", "visibility": "public"}
    status, _, _ = _post(browser, instance.url("/compose"), fields, {"photos": list(photos.values())})
    assert status == 303
    assert rows(instance, "SELECT count(*) FROM media WHERE post_id IS NOT NULL") == [(12,)]
