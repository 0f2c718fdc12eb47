"""Images are decoded in processes of their own, which re-import the program that runs redfed. A
program they cannot re-import (one read from standard input, say) must not make every upload look
like a broken image: the upload is a 503, and the operator is told why in the log."""

import subprocess
import sys

from PIL import Image

SCRIPT = """
import logging, sys
from pathlib import Path
from redfed.config import config_from_dict
from redfed.services.media import media_images
logging.basicConfig(level=logging.ERROR)
config = config_from_dict({"instance": {"base_url": "http://127.0.0.1:8000"}}, base_dir=Path(sys.argv[1]))
try:
    media_images.process_image(Path(sys.argv[1]) / "photo.png", "image/png", config.media)
    print("decoded")
except Exception as error:
    print(type(error).__name__, error.status, error.message)
"""


def _run(tmp_path, *, from_stdin: bool) -> subprocess.CompletedProcess:
    Image.new("RGB", (30, 20), "red").save(tmp_path / "photo.png")
    if from_stdin:
        command, stdin = [sys.executable, "-", str(tmp_path)], SCRIPT
    else:
        (tmp_path / "guarded.py").write_text("if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in SCRIPT.splitlines()))
        command, stdin = [sys.executable, str(tmp_path / "guarded.py"), str(tmp_path)], None
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)


def test_a_program_the_decoder_cannot_reimport__503_and_an_error_that_says_why(tmp_path):
    result = _run(tmp_path, from_stdin=True)
    assert result.stdout.strip() == "ServiceUnavailable 503 media cannot be processed right now, try again later"
    assert "must guard its entry point" in result.stderr


def test_a_guarded_program__decodes(tmp_path):
    assert _run(tmp_path, from_stdin=False).stdout.strip() == "decoded"
