"""Acceptance: the HTML report of ``examples/`` renders in a real browser.

Headless Chromium takes a screenshot of the page (checked to be the right size and not blank,
and to contain the chart's bar colours) and dumps the DOM it rendered (checked to contain the
summary numbers and the SVG charts). Skipped only when no Chromium is installed; CI installs it
(``.ci/run``).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from hybridize import cli
from hybridize.report.html import BLOCKING, SUPPORTING

from .conftest import REPO

WIDTH, HEIGHT = 1280, 2000
BROWSERS = ("chromium", "chromium-browser", "google-chrome")

#: The page is opened from a file and needs no network: keep Chromium from trying (this
#: machine's network is closed, and every refused connection slows the start).
QUIET = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
)

pytestmark = pytest.mark.slow


def browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"no headless browser installed ({', '.join(BROWSERS)}); .ci/run installs chromium")


def run_browser(binary: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            *QUIET,
            f"--user-data-dir={profile}",
            *arguments,
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("screenshot") / "report.html"
    assert cli.main(["report", str(REPO / "examples"), "-o", str(output)]) == 0
    return output


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, pixels): an 8-bit RGB or RGBA PNG, unfiltered."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, chunks, header = 8, [], b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, channels)
        rows.append(line)
        previous = line
    return width, height, channels, b"".join(rows)


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> None:
    if kind == 0:
        return
    if kind == 2:
        line[:] = bytes((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        return
    for x in range(len(line)):
        left = line[x - step] if x >= step else 0
        if kind == 1:
            line[x] = (line[x] + left) & 0xFF
        elif kind == 3:
            line[x] = (line[x] + (left + previous[x]) // 2) & 0xFF
        elif kind == 4:
            up = previous[x]
            corner = previous[x - step] if x >= step else 0
            guess = left + up - corner
            near_left, near_up, near_corner = (
                abs(guess - left),
                abs(guess - up),
                abs(guess - corner),
            )
            if near_left <= near_up and near_left <= near_corner:
                line[x] = (line[x] + left) & 0xFF
            elif near_up <= near_corner:
                line[x] = (line[x] + up) & 0xFF
            else:
                line[x] = (line[x] + corner) & 0xFF
        else:
            raise AssertionError(f"bad PNG filter {kind}")


def colour_count(pixels: bytes, channels: int, hex_colour: str) -> int:
    wanted = bytes.fromhex(hex_colour.lstrip("#"))
    if channels == 4:
        wanted += b"\xff"
    return sum(
        1
        for offset in range(0, len(pixels), channels)
        if pixels[offset : offset + channels] == wanted
    )


def test_screenshot_shows_a_rendered_page_with_charts(page: Path, tmp_path: Path) -> None:
    binary = browser()
    shot = tmp_path / "report.png"
    result = run_browser(
        binary,
        tmp_path / "profile",
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{HEIGHT}",
        "--hide-scrollbars",
        page.as_uri(),
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    width, height, channels, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)

    grey = [
        (pixels[i] * 299 + pixels[i + 1] * 587 + pixels[i + 2] * 114) // 1000
        for i in range(0, len(pixels), channels * 7)  # a sample of the pixels is enough
    ]
    mean = sum(grey) / len(grey)
    variance = sum((value - mean) ** 2 for value in grey) / len(grey)
    ink = sum(1 for value in grey if value < 160) / len(grey)
    assert variance > 100, f"the page looks blank (variance {variance:.1f})"
    assert ink > 0.005, f"too little text or graphics on the page ({ink:.2%})"
    # The bars of "Decisions by reason" are drawn in these two colours, and nothing else is.
    assert colour_count(pixels, channels, SUPPORTING) > 500
    assert colour_count(pixels, channels, BLOCKING) > 500


def test_rendered_dom_has_the_summary_and_the_charts(page: Path, tmp_path: Path) -> None:
    binary = browser()
    result = run_browser(binary, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    dom = result.stdout.decode("utf-8")
    source = page.read_text(encoding="utf-8")
    functions = re.search(r'"functions analysed"><div class="value">([0-9]+)<', source)
    assert functions is not None
    assert re.search(
        rf'data-summary="functions analysed"><div class="value">{functions.group(1)}</div>', dom
    )
    assert '<section id="summary">' in dom
    assert len(re.findall(r"<svg\b", dom)) >= 3
    for title in ("Decisions by reason", "Assumptions by kind"):
        assert re.search(rf"<title [^>]*>{title}</title>", dom), title
    assert re.search(r"<rect [^>]*fill=\"#2da44e\"", dom)
