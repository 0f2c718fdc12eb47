"""Images are decoded defensively (issue 25): whatever bytes an upload holds, the answer is the
image or a 422 with a clear {"error": ...}, within a pixel budget read from the header and a time
budget enforced by killing the decoding process; never a 500, never seconds for a small file."""

import io
import struct
import time

import av
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mastodon import MastodonAPIError
from PIL import Image

from ..support import api

FILE_TYPE_ERROR = "File type of uploaded media could not be verified"


def image_bytes(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def two_frame_gif() -> bytes:
    frames = [Image.new("RGB", (20, 12), colour) for colour in ("red", "blue")]
    return image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=50)


def second_frame_descriptor(gif: bytes) -> int:
    """Where the second image descriptor (a ',' after the second graphic control block) starts."""
    second_control = gif.index(b"\x21\xf9\x04", gif.index(b"\x21\xf9\x04") + 1)
    return gif.index(b"\x2c", second_control + 8)


def pillow_error(data: bytes) -> type[Exception]:
    """What Pillow itself raises on `data` when asked for its frame count, as the upload path does."""
    with pytest.raises(Exception) as error:
        Image.open(io.BytesIO(data)).n_frames
    return error.type


def post_media(instance, token: str, data: bytes, mime: str = "image/gif") -> requests.Response:
    return requests.post(
        instance.url("/api/v1/media"), headers={"Authorization": f"Bearer {token}"},
        files={"file": ("upload", data, mime)}, timeout=30,
    )


def update_avatar(instance, token: str, data: bytes) -> requests.Response:
    return requests.patch(
        instance.url("/api/v1/accounts/update_credentials"), headers={"Authorization": f"Bearer {token}"},
        files={"avatar": ("avatar.gif", data, "image/gif")}, timeout=30,
    )


def assert_refused(response: requests.Response, message: str = FILE_TYPE_ERROR) -> None:
    assert response.status_code == 422, response.text
    assert response.json() == {"error": message}


@pytest.fixture
def token(instance) -> str:
    instance.create_user("alice")
    return api.token_for(instance, "alice")


def test_cause_16_gif_ending_after_a_frame_descriptor__is_refused_with_422_as_avatar_and_media(instance, token):
    gif = two_frame_gif()
    # The 269-byte avatar: Pillow read past the end for the LZW code size (IndexError).
    cut = gif[: second_frame_descriptor(gif) + 10]
    assert pillow_error(cut) is IndexError
    assert_refused(update_avatar(instance, token, cut))
    assert_refused(post_media(instance, token, cut))
    assert update_avatar(instance, token, gif).status_code == 200


def test_cause_17_gif_truncated_inside_a_frame_descriptor__is_refused_with_422_as_avatar_and_media(instance, token):
    gif = two_frame_gif()
    # The truncated 527-byte GIF: Pillow unpacked a short descriptor (struct.error).
    cut = gif[: second_frame_descriptor(gif) + 6]
    assert pillow_error(cut) is struct.error
    assert_refused(update_avatar(instance, token, cut))
    assert_refused(post_media(instance, token, cut))
    assert post_media(instance, token, gif).status_code == 200


def test_small_gif_claiming_large_animated_frames__is_refused_from_the_budget_at_once(instance, token):
    # 53 KB that decode to 8 frames of 2800 x 2800: 4.3 s of decoding and quantizing before.
    frames = [Image.new("P", (2800, 2800), index) for index in range(8)]
    gif = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:])
    started = time.monotonic()
    assert_refused(post_media(instance, token, gif), "Validation failed: File has too many animation frames")
    assert time.monotonic() - started < 3


def test_animated_gif_within_the_budget__becomes_a_video_of_its_palette_frames(instance, token):
    frames = [Image.new("P", (300, 200), index) for index in range(6)]
    for frame in frames:
        frame.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9, 200, 200, 0, 0, 200, 200])
    response = post_media(instance, token, image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=40))
    assert response.status_code == 200, response.text
    assert response.json()["type"] == "gifv"
    with av.open(io.BytesIO(requests.get(response.json()["url"], timeout=10).content)) as video:
        decoded = [frame.to_image() for frame in video.decode(video=0)]
    assert len(decoded) == 6 and decoded[2].size == (300, 200)
    red, green, blue = decoded[2].getpixel((5, 5))
    assert blue > 200 and red < 50 and green < 50


def test_decoding_over_the_time_budget__is_killed_and_refused(start_instance):
    instance = start_instance("a", media={"max_decode_seconds": 0.01})
    instance.create_user("alice")
    token = api.token_for(instance, "alice")
    big = image_bytes(Image.new("RGB", (3000, 3000), "teal"), "PNG")
    started = time.monotonic()
    assert_refused(post_media(instance, token, big, "image/png"), "Validation failed: File took too long to process")
    assert time.monotonic() - started < 5
    assert post_media(instance, token, big, "image/png").status_code == 422  # and again: nothing left stuck


def _seed_images() -> list[bytes]:
    still = Image.new("RGB", (24, 16), (10, 120, 200))
    frames = [Image.new("RGB", (24, 16), (index * 60, 0, 0)) for index in range(3)]
    seeds = [image_bytes(still, fmt) for fmt in ("GIF", "PNG", "JPEG", "WEBP")]
    seeds += [image_bytes(frames[0], fmt, save_all=True, append_images=frames[1:], duration=40) for fmt in ("GIF", "PNG", "WEBP")]
    return seeds


SEEDS = _seed_images()


@st.composite
def broken_images(draw) -> bytes:
    """A real image of each format, cut short, with bytes overwritten and runs of bytes inserted."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 6))):
        data[draw(st.integers(12, len(data) - 1))] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        at = draw(st.integers(12, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=40))
    if draw(st.booleans()):
        del data[draw(st.integers(13, len(data))):]
    return bytes(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=broken_images())
def test_generated_broken_images__get_the_image_or_a_422_never_a_500(instance, token, data):
    response = post_media(instance, token, data, "application/octet-stream")
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert isinstance(response.json()["error"], str) and response.json()["error"].startswith(("Validation failed", "File type"))
