"""Tiny real videos made by the tests with PyAV (a few frames, small sizes: quick to encode on a
small machine), never downloaded."""

import io

import av
from PIL import Image

# The smallest MP4 start: an `ftyp` box (brand isom), then an empty `mdat` box. Not a video.
FAKE_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x10mdat" + b"\x00" * 8
LOCATION = "+52.3700+004.8900/"


def clip(
    *, frames: int = 6, size: tuple[int, int] = (64, 48), fps: int = 12, container: str = "mp4", audio: bool = True,
    metadata: dict | None = None, rotation: int = 0,
) -> bytes:
    """A video of `frames` coloured frames (H.264 and AAC in MP4 or MOV; VP9 and Opus in WebM),
    with the display `rotation` a phone held upright writes."""
    webm = container == "webm"
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as out:
        out.metadata.update(metadata or {})
        video = out.add_stream("libvpx-vp9" if webm else "libx264", rate=fps, options={} if webm else {"preset": "ultrafast"})
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        if rotation:
            video.set_display_rotation(rotation)
        sound = out.add_stream("libopus" if webm else "aac", rate=48_000) if audio else None
        for index in range(frames):
            picture = Image.new("RGB", size, (index * 40 % 256, 120, 200))
            out.mux(video.encode(av.VideoFrame.from_image(picture).reformat(format="yuv420p")))
        out.mux(video.encode())
        if sound is not None:
            _silence(out, sound, 48_000 * frames // fps)
    return buffer.getvalue()


def _silence(out, stream, samples: int) -> None:
    size = stream.codec_context.frame_size or 960
    for start in range(0, samples, size):
        frame = av.AudioFrame(format="fltp", layout="stereo", samples=size)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.sample_rate, frame.pts = 48_000, start
        out.mux(stream.encode(frame))
    out.mux(stream.encode())


def animated_gif(frames: int = 4, size: tuple[int, int] = (16, 12)) -> bytes:
    pictures = [Image.new("RGB", size, (index * 60 % 256, 0, 200)) for index in range(frames)]
    buffer = io.BytesIO()
    pictures[0].save(buffer, "GIF", save_all=True, append_images=pictures[1:], duration=100, loop=0)
    return buffer.getvalue()


def described(data: bytes) -> dict:
    """What PyAV reads from a video file: container metadata, streams, size, length."""
    with av.open(io.BytesIO(data)) as container:
        video = container.streams.video[0]
        return {
            "format": container.format.name, "metadata": dict(container.metadata),
            "codecs": [stream.codec_context.name for stream in container.streams],
            "pix_fmt": video.codec_context.pix_fmt, "size": (video.codec_context.width, video.codec_context.height),
            "duration": container.duration / av.time_base if container.duration else None,
            "rate": float(video.average_rate or 0),
            "rotation": next(round(frame.rotation or 0) for frame in container.decode(video)),
        }


def video_packets(data: bytes) -> list[bytes]:
    """The coded video of a file, packet by packet: equal when a file was rewrapped, not re-encoded."""
    with av.open(io.BytesIO(data)) as container:
        return [bytes(packet) for packet in container.demux(video=0) if packet.size]
