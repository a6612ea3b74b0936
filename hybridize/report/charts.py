"""Horizontal bar charts as inline SVG, with no plotting library and no external resources.

A report must open offline and render the same everywhere, so charts are plain SVG text:
one row per bar with its label and count as text (readable without colour, selectable, found by
find-in-page), a ``<title>``/``<desc>`` for screen readers and a ``<title>`` per row as tooltip.
Output depends only on the input: same bars, same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import attrs

WIDTH = 720
ROW = 24
BAR = 16
CHAR = 7.2  # average glyph width of the 12px label font, for the label column
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
TEXT = "#1f2328"
MUTED = "#59636e"
MAX_LABEL = 40


@attrs.frozen
class Series:
    name: str
    colour: str


@attrs.frozen
class Bar:
    label: str
    values: tuple[int, ...]  # one per series, stacked left to right
    href: str | None = None

    @property
    def total(self) -> int:
        return sum(self.values)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    series: Sequence[Series],
) -> str:
    """An SVG document of horizontal (stacked) bars, one row per bar, largest scale = widest."""
    legend = len(series) > 1
    top = 30 if legend else 6
    label_width = min(MAX_LABEL, max((len(bar.label) for bar in bars), default=8)) * CHAR + 16
    count_width = 8 * CHAR + 8
    plot_width = WIDTH - label_width - count_width
    largest = max((bar.total for bar in bars), default=0)
    height = top + max(len(bars), 1) * ROW + 6
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{_attr(chart_id)}" class="chart" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="{_attr(FONT)}" font-size="12">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
    ]
    if legend:
        x = label_width
        for item in series:
            out.append(
                f'<rect x="{x:.0f}" y="8" width="12" height="12" rx="2" '
                f'fill="{_attr(item.colour)}"/>'
                f'<text x="{x + 17:.0f}" y="18" fill="{TEXT}">{escape(item.name)}</text>'
            )
            x += 17 + len(item.name) * CHAR + 24
    if not bars:
        out.append(f'<text x="8" y="{top + 16}" fill="{MUTED}">(nothing to show)</text>')
    for index, bar in enumerate(bars):
        out.append(_row(bar, series, top + index * ROW, label_width, plot_width, largest))
    out.append("</svg>")
    return "\n".join(out)


def _row(
    bar: Bar,
    series: Sequence[Series],
    y: int,
    label_width: float,
    plot_width: float,
    largest: int,
) -> str:
    label = bar.label if len(bar.label) <= MAX_LABEL else bar.label[: MAX_LABEL - 1] + "…"
    parts = [f", {value} {item.name}" for value, item in zip(bar.values, series, strict=False)]
    tooltip = f"{bar.label}: {bar.total}" + ("".join(parts) if len(series) > 1 else "")
    text_y = y + ROW / 2 + 4
    out = [f"<g><title>{escape(tooltip)}</title>"]
    label_text = (
        f'<text x="{label_width - 8:.0f}" y="{text_y:.0f}" text-anchor="end" fill="{TEXT}">'
        f"{escape(label)}</text>"
    )
    if bar.href:
        label_text = f'<a href="{_attr(bar.href)}">{label_text}</a>'
    out.append(label_text)
    x = label_width
    for value, item in zip(bar.values, series, strict=False):
        if value <= 0 or largest <= 0:
            continue
        width = max(1.0, value / largest * plot_width)
        out.append(
            f'<rect x="{x:.1f}" y="{y + (ROW - BAR) / 2:.0f}" width="{width:.1f}" '
            f'height="{BAR}" fill="{_attr(item.colour)}"/>'
        )
        x += width
    out.append(f'<text x="{x + 6:.1f}" y="{text_y:.0f}" fill="{MUTED}">{bar.total}</text></g>')
    return "".join(out)


def _attr(text: str) -> str:
    return escape(text, quote=True)
