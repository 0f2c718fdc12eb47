"""Uploaded videos (layer 4, blocking code: run it in a thread): probed when uploaded, transcoded
by the workers, each step in a process of its own (media_isolation) with PyAV's FFmpeg.

The probe refuses, before anything is kept, what is not a decodable video, a container whose
streams are not what it says, and a video over the configured limits (checklist 49). The
transcode makes H.264 (yuv420p) and AAC in an MP4 with its index at the front, scaled down to the
configured size and frame rate; nothing of the source's metadata (a phone's location among it)
is copied. A source longer than its probe said is refused while transcoding. The first frame
becomes the poster, with a blurhash.
"""

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

from ...config import MediaConfig
from ...errors import Unprocessable
from .media_files import CONTENT_TYPES, FILE_TYPE_ERROR
from .media_images import still_preview
from .media_isolation import run_isolated

TOO_LARGE_DIMENSIONS = "Validation failed: Video dimensions are too large"
TOO_FAST = "Validation failed: Video frame rate is too high"
TOO_LONG = "Validation failed: Video is too long"
TOO_MANY_STREAMS = "Validation failed: Video has too many streams"
LONGER_THAN_CLAIMED = "Validation failed: Video is longer than its header says"
TOO_SLOW = "Validation failed: Video took too long to process"
# A camera writes a video, an audio and a few data streams; hundreds are an attack on the demuxer.
MAX_STREAMS = 16
MEMORY_BYTES = 4 * 1024**3
# Demuxers FFmpeg may use for each type we accept (av.open is told which, never left to guess).
FORMATS = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "image/gif": "gif"}
AUDIO_RATE = 48_000


@dataclass(frozen=True)
class Probe:
    width: int
    height: int
    fps: float
    duration: float
    audio: bool
    frames: int  # frames of an animated GIF, 0 for a video
    rotation: int = 0  # degrees counterclockwise a player turns the frames (a phone held upright)


@dataclass(frozen=True)
class Transcoded:
    meta: dict
    size: int
    poster: bytes
    poster_type: str
    blurhash: str | None


def probe(path: Path, content_type: str, media: MediaConfig) -> Probe:
    """Probe an upload in a process of its own, within the decoding time budget."""
    return run_isolated(_probe, (path, content_type, media), seconds=media.max_decode_seconds,
                        memory_bytes=MEMORY_BYTES, what="a video upload", too_slow=TOO_SLOW)


def transcode(source: Path, target: Path, probed: Probe, media: MediaConfig) -> Transcoded:
    """Transcode `source` to `target` in a process of its own, within the transcoding time budget."""
    return run_isolated(_transcode, (source, target, probed, media), seconds=media.max_transcode_seconds,
                        memory_bytes=MEMORY_BYTES, what="a video transcode", too_slow=TOO_SLOW)


def _open(path: Path, content_type: str):
    return av.open(str(path), format=FORMATS[content_type], metadata_errors="ignore")


def _probe(path: Path, content_type: str, media: MediaConfig) -> Probe:
    with _open(path, content_type) as container:
        if len(container.streams) > MAX_STREAMS:
            raise Unprocessable(TOO_MANY_STREAMS)
        if not container.streams.video:
            raise Unprocessable(FILE_TYPE_ERROR)
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width <= 0 or height <= 0:
            raise Unprocessable(FILE_TYPE_ERROR)
        if width * height > media.max_video_pixels:
            raise Unprocessable(TOO_LARGE_DIMENSIONS)
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        if fps > media.max_video_fps:
            raise Unprocessable(TOO_FAST)
        duration = _duration(container, stream)
        if duration > media.max_video_seconds:
            raise Unprocessable(TOO_LONG)
        frames, rotation = _first_frames(container, stream, width, height, gif=content_type == "image/gif")
        if rotation in (90, 270):
            width, height = height, width
        return Probe(width, height, fps, duration, bool(container.streams.audio), frames, rotation)


def _duration(container, stream) -> float:
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return 0.0


def _first_frames(container, stream, width: int, height: int, *, gif: bool) -> tuple[int, int]:
    """Decode the first frame (both frames of a GIF, to tell an animation): the stream must be
    what the header says it is. How many frames were decoded, and the rotation to show them at."""
    decoded, rotation = 0, 0
    for frame in container.decode(stream):
        if (frame.width, frame.height) != (width, height):
            raise Unprocessable(FILE_TYPE_ERROR)
        decoded += 1
        rotation = round(frame.rotation or 0) % 360
        if decoded == (2 if gif else 1):
            break
    if decoded == 0:
        raise Unprocessable(FILE_TYPE_ERROR)
    return (decoded if gif else 0), rotation


def output_size(width: int, height: int, max_side: int) -> tuple[int, int]:
    """Scaled down so the shorter side fits `max_side`, each side even (as yuv420p needs)."""
    scale = min(1.0, max_side / min(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _transcode(source: Path, target: Path, probed: Probe, media: MediaConfig) -> Transcoded:
    gif = probed.frames > 0
    fps = Fraction(min(probed.fps or 25.0, media.video_max_output_fps)).limit_denominator(1001)
    width, height = output_size(probed.width, probed.height, media.video_max_side)
    # A GIF plays for as long as its frames say; any other source may be a tenth longer than its header.
    budget = media.max_video_seconds if gif else probed.duration * 1.1 + 1
    with _open(source, CONTENT_TYPES[source.suffix[1:]]) as inp, \
            av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        if not gif and _web_safe(inp, probed, (width, height), fps):
            poster = _copy_streams(inp, out, budget)
        else:
            poster = _encode_streams(inp, out, probed, (width, height), fps, budget)
    if poster is None:
        raise Unprocessable(FILE_TYPE_ERROR)
    return _result(target, poster, probed, width, height, fps)


def _web_safe(inp, probed: Probe, size: tuple[int, int], fps: Fraction) -> bool:
    """Whether every browser plays the source's streams as they are: H.264 in yuv420p (and AAC),
    upright, at no more than the output's size and frame rate. Such a file is only rewrapped."""
    video = inp.streams.video[0].codec_context
    audio = inp.streams.audio[0].codec_context.name if inp.streams.audio else "aac"
    return (
        inp.format.name.split(",")[0] in ("mov", "mp4") and video.name == "h264" and video.pix_fmt == "yuv420p" and audio == "aac"
        and probed.rotation == 0 and (probed.width, probed.height) == size and probed.fps <= float(fps)
    )


def _copy_streams(inp, out, budget: float) -> Image.Image | None:
    """Copy the first video and audio streams' packets into `out`, and none of the source's
    metadata; the first decoded frame is the poster."""
    video_in = inp.streams.video[0]
    streams = [video_in, *inp.streams.audio[:1]]
    copies = {stream.index: out.add_stream_from_template(stream) for stream in streams}
    poster = None
    for packet in inp.demux(*streams):
        if packet.dts is None:
            continue
        if packet.stream is video_in:
            if packet.pts is not None and float(packet.pts * packet.time_base) > budget:
                raise Unprocessable(LONGER_THAN_CLAIMED)
            if poster is None:
                poster = next((frame.to_image() for frame in video_in.codec_context.decode(packet)), None)
        packet.stream = copies[packet.stream.index]
        out.mux(packet)
    return poster


def _encode_streams(inp, out, probed: Probe, size: tuple[int, int], fps: Fraction, budget: float) -> Image.Image | None:
    """Decode the source and encode H.264 and AAC into `out`; the first frame out is the poster."""
    gif = probed.frames > 0
    video_in = inp.streams.video[0]
    audio_in = inp.streams.audio[0] if inp.streams.audio and not gif else None
    video_out = out.add_stream("libx264", rate=fps, options={"preset": "veryfast", "crf": "23"})
    video_out.width, video_out.height, video_out.pix_fmt = *size, "yuv420p"
    video_out.codec_context.time_base = 1 / fps
    audio_out = out.add_stream("aac", rate=AUDIO_RATE) if audio_in else None
    graph = _video_graph(video_in, fps, *size, probed.rotation)
    resampler = av.AudioResampler("fltp", "stereo", AUDIO_RATE, frame_size=1024) if audio_in else None
    poster = None
    for frame in inp.decode(*([video_in] + ([audio_in] if audio_in else []))):
        if frame.time is not None and frame.time > budget:
            raise Unprocessable(TOO_LONG if gif else LONGER_THAN_CLAIMED)
        if isinstance(frame, av.VideoFrame):
            graph.vpush(frame)
            poster = _encode_video(graph, video_out, out, poster)
        else:
            for chunk in resampler.resample(frame):
                out.mux(audio_out.encode(chunk))
    graph.vpush(None)
    poster = _encode_video(graph, video_out, out, poster)
    out.mux(video_out.encode())
    if audio_out is not None:
        for chunk in resampler.resample(None):
            out.mux(audio_out.encode(chunk))
        out.mux(audio_out.encode())
    return poster


# The filters that turn frames upright, as `ffmpeg` does for a display matrix's rotation.
UPRIGHT = {90: [("transpose", "cclock")], 180: [("hflip", ""), ("vflip", "")], 270: [("transpose", "clock")]}


def _video_graph(stream, fps: Fraction, width: int, height: int, rotation: int) -> av.filter.Graph:
    """Frames upright (the output carries no rotation), at the output rate, size and pixel format."""
    graph = av.filter.Graph()
    chain = [
        graph.add_buffer(template=stream),
        *(graph.add(name, options) for name, options in UPRIGHT.get(rotation, [])),
        graph.add("fps", f"fps={fps.numerator}/{fps.denominator}"),
        graph.add("scale", f"{width}:{height}"),
        graph.add("format", "yuv420p"),
        graph.add("buffersink"),
    ]
    for first, second in zip(chain, chain[1:]):
        first.link_to(second)
    graph.configure()
    return graph


def _encode_video(graph, stream, out, poster: Image.Image | None) -> Image.Image | None:
    """Encode what the filter graph has ready; the first frame out is the poster."""
    while True:
        try:
            frame = graph.vpull()
        except (av.BlockingIOError, av.EOFError):
            return poster
        if poster is None:
            poster = frame.to_image()
        frame.pict_type = av.video.frame.PictureType.NONE
        out.mux(stream.encode(frame))


def _result(target: Path, poster: Image.Image, probed: Probe, width: int, height: int, fps: Fraction) -> Transcoded:
    preview, preview_type, small, blurhash = still_preview(poster)
    with av.open(str(target)) as done:
        duration = round(done.duration / av.time_base, 3) if done.duration else probed.duration
        bitrate = done.bit_rate
        sound = done.streams.audio[0].codec_context if done.streams.audio else None
        audio = {} if sound is None else {
            # Mastodon's names for what ffprobe says of the audio.
            "audio_encode": "aac (LC) (mp4a / 0x6134706D)", "audio_bitrate": f"{sound.sample_rate} Hz",
            "audio_channels": sound.layout.name,
        }
    meta = {
        "length": _length(duration), "duration": duration, "fps": round(float(fps), 3),
        "size": f"{width}x{height}", "width": width, "height": height, "aspect": width / height,
        "original": {"width": width, "height": height, "frame_rate": f"{fps.numerator}/{fps.denominator}",
                     "duration": duration, "bitrate": bitrate},
        "small": small, **audio,
    }
    return Transcoded(meta, target.stat().st_size, preview, preview_type, blurhash)


def _length(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}.{round((seconds - whole) * 100):02d}"
