"""Uploaded images (layer 4, blocking code: run it in a thread): checked from the header before
any pixel is decoded (checklist 30), then decoded, turned upright, scaled down and re-encoded
without EXIF, XMP or comments but with their ICC profile (32, 33), with a preview and a blurhash.

Decoders are the part of an upload that a stranger's bytes drive furthest, so each image is
decoded in a short-lived process of its own: killed when it runs over the time budget, limited in
address space, and whatever it allocated goes back to the system when it ends, instead of staying
in the server's malloc arenas. Any error of any decoder is a refusal of that upload, never a crash.
"""

import io
import logging
import math
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import blurhash
from PIL import GifImagePlugin, Image, ImageOps, ImageSequence

from ...config import MediaConfig
from ...errors import Unprocessable
from .media_files import AVIF, FILE_TYPE_ERROR
from .media_isolation import run_isolated

log = logging.getLogger(__name__)

TOO_LARGE_DIMENSIONS = "Validation failed: File dimensions are too large"
TOO_MANY_FRAMES = "Validation failed: File has too many animation frames"
TOO_SLOW = "Validation failed: File took too long to process"
MAX_FRAMES = 500
PREVIEW_BOX = (640, 640)
JPEG_QUALITY = 85
# Decoding is memory-bound: at most this many decoding processes at once, whatever the load.
_DECODE_SLOTS = threading.BoundedSemaphore(2)
# Address space of a decoding process: the pixel budget's few full-size copies, and the libraries.
DECODE_MEMORY_BYTES = 2 * 1024**3
_BLURHASH_LOCK = threading.Lock()

# Pillow formats we decode, and the type each one is.
IMAGE_FORMATS = {"JPEG": "image/jpeg", "MPO": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
if AVIF:
    IMAGE_FORMATS["AVIF"] = "image/avif"
OPENERS = [name for name in IMAGE_FORMATS if name != "MPO"]  # Pillow opens MPO through its JPEG plugin


@dataclass(frozen=True)
class ProcessedImage:
    data: bytes
    content_type: str
    preview: bytes
    preview_type: str
    meta: dict
    blurhash: str | None
    animated: bool = False


def process_image(path: Path, declared: str, media: MediaConfig) -> ProcessedImage:
    """Decode, check and re-encode an image file in a process of its own, within the time budget;
    Unprocessable if it is not a safe, usable image."""
    with _DECODE_SLOTS:
        return run_isolated(_decode_in_child, (path, declared, media), seconds=media.max_decode_seconds,
                            memory_bytes=DECODE_MEMORY_BYTES, what="an image upload", too_slow=TOO_SLOW)


def _decode_in_child(path: Path, declared: str, media: MediaConfig) -> ProcessedImage:
    # GIF frames stay in palette mode while they share a palette: re-encoding them needs no quantizing.
    GifImagePlugin.LOADING_STRATEGY = GifImagePlugin.LoadingStrategy.RGB_AFTER_DIFFERENT_PALETTE_ONLY
    return decode(path, declared, media)


def decode(path: Path, declared: str, media: MediaConfig) -> ProcessedImage:
    """The work of `process_image`, in the calling process and without a time budget."""
    try:
        with Image.open(path, formats=OPENERS) as image:
            if IMAGE_FORMATS.get(image.format) != declared:
                raise Unprocessable(FILE_TYPE_ERROR)
            return _process(image, media)
    except (Image.DecompressionBombError, MemoryError):  # MemoryError: over DECODE_MEMORY_BYTES
        raise Unprocessable(TOO_LARGE_DIMENSIONS) from None


def _process(image: Image.Image, media: MediaConfig) -> ProcessedImage:
    width, height = image.size  # from the header: nothing decoded yet
    if width * height > media.max_decode_pixels:
        raise Unprocessable(TOO_LARGE_DIMENSIONS)
    icc = image.info.get("icc_profile")
    animated = image.format in ("GIF", "PNG", "WEBP") and getattr(image, "is_animated", False)
    if animated:
        frames = image.n_frames
        if frames > MAX_FRAMES or width * height * frames > media.max_decode_pixels:
            raise Unprocessable(TOO_MANY_FRAMES)
        if width * height > media.max_image_pixels:
            raise Unprocessable(TOO_LARGE_DIMENSIONS)
        still, data, content_type = _encode_animation(image, icc)
    else:
        if image.format in ("JPEG", "MPO") and width * height > media.max_image_pixels:
            image.draft(None, _fit(width, height, media.max_image_pixels))  # decode at a reduced scale
        image.load()
        still = _fit_image(ImageOps.exif_transpose(image), media.max_image_pixels)
        if still.mode == "CMYK":
            still, icc = still.convert("RGB"), None  # a CMYK profile no longer describes the pixels
        data, content_type = _encode_still(still, image.format, icc)
    preview_data, preview_type, small, blurhash = still_preview(still, icc)
    meta = {"original": _dimensions(*still.size), "small": small}
    return ProcessedImage(data, content_type, preview_data, preview_type, meta, blurhash, bool(animated))


def still_preview(image: Image.Image, icc: bytes | None = None) -> tuple[bytes, str, dict, str | None]:
    """The preview of an image (or of a video's poster frame): its bytes, its type, its
    dimensions as Mastodon's `meta.small`, and its blurhash."""
    preview = image.copy()
    preview.thumbnail(PREVIEW_BOX, Image.Resampling.LANCZOS)
    data, content_type = _encode_preview(preview, icc)
    return data, content_type, _dimensions(*preview.size), _blurhash(preview)


def _fit(width: int, height: int, max_pixels: int) -> tuple[int, int]:
    if width * height <= max_pixels:
        return width, height
    scale = math.sqrt(max_pixels / (width * height))
    return max(1, int(width * scale)), max(1, int(height * scale))


def _fit_image(image: Image.Image, max_pixels: int) -> Image.Image:
    size = _fit(*image.size, max_pixels)
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in image.info


def _encode_still(image: Image.Image, source_format: str, icc: bytes | None) -> tuple[bytes, str]:
    """JPEG stays JPEG; WebP stays WebP; everything else becomes PNG, or JPEG for an opaque AVIF."""
    image.info = {"transparency": image.info["transparency"]} if "transparency" in image.info else {}
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if source_format in ("JPEG", "MPO") or (source_format == "AVIF" and not _has_alpha(image)):
        image = image if image.mode in ("RGB", "L") else image.convert("RGB")
        image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True, **extra)
        return buffer.getvalue(), "image/jpeg"
    if source_format == "WEBP":
        image = image if image.mode in ("RGB", "RGBA") else image.convert("RGBA" if _has_alpha(image) else "RGB")
        image.save(buffer, format="WEBP", quality=JPEG_QUALITY, **extra)
        return buffer.getvalue(), "image/webp"
    if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    image.save(buffer, format="PNG", **extra)
    return buffer.getvalue(), "image/png"


def _encode_animation(image: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes, str]:
    """Every frame re-encoded in the source format; per-frame comments and extensions dropped.
    Also the first frame in full colour, for the preview."""
    gif = image.format == "GIF"
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        durations.append(int(frame.info.get("duration") or 100))
        frames.append(_animation_frame(frame, gif))
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc and not gif else {}
    frames[0].save(
        buffer, format=image.format, save_all=True, append_images=frames[1:], duration=durations,
        loop=int(image.info.get("loop", 0)), **extra,
    )
    first = frames[0] if frames[0].mode in ("RGB", "RGBA") else frames[0].convert("RGBA" if _has_alpha(frames[0]) else "RGB")
    return first, buffer.getvalue(), IMAGE_FORMATS[image.format]


def _animation_frame(frame: Image.Image, gif: bool) -> Image.Image:
    if gif and frame.mode == "P":
        copy = frame.copy()
        copy.info = {"transparency": frame.info["transparency"]} if "transparency" in frame.info else {}
        return copy
    copy = frame.copy() if frame.mode in ("RGB", "RGBA") else frame.convert("RGBA" if _has_alpha(frame) else "RGB")
    copy.info = {}
    if gif and copy.mode == "RGB":
        # Pillow's default median cut takes a third of a second for each large frame.
        return copy.quantize(256, method=Image.Quantize.FASTOCTREE)
    return copy


def _encode_preview(image: Image.Image, icc: bytes | None) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if _has_alpha(image):
        image.convert("RGBA").save(buffer, format="WEBP", quality=80, **extra)
        return buffer.getvalue(), "image/webp"
    image.convert("RGB").save(buffer, format="JPEG", quality=80, **extra)
    return buffer.getvalue(), "image/jpeg"


def _dimensions(width: int, height: int) -> dict:
    return {"width": width, "height": height, "size": f"{width}x{height}", "aspect": width / height}


def _blurhash(preview: Image.Image) -> str | None:
    """4x3 components from a tiny copy; transparency shows as white. Optional: None on failure."""
    tiny = preview.convert("RGBA")
    tiny.thumbnail((32, 32), Image.Resampling.BILINEAR)
    small = Image.new("RGB", tiny.size, "white")
    small.paste(tiny, mask=tiny)
    try:
        # blurhash-python 1.2.2 reads pixels with Image.getdata, deprecated in Pillow 13.
        with _BLURHASH_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return blurhash.encode(small, 4, 3)
    except Exception:  # noqa: BLE001 - a missing blurhash only costs clients a placeholder
        log.exception("blurhash failed")
        return None
