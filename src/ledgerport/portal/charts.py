"""Server-rendered SVG charts for portal pages: pure functions from figures to markup.

No script and no inline style (the portal's Content-Security-Policy allows neither):
colours are SVG presentation attributes. Every chart is ``role="img"`` with an
``aria-label``, a ``<title>`` and a ``<desc>`` that says where the same figures are as
a table, because a chart alone is no use to a screen reader or to anyone who needs the
exact amounts. Text is escaped, so the markup is also well-formed XML.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH = 640
INK = "#374151"
GRID = "#e5e7eb"
BAR = "#2563eb"
TREND = "#d97706"
# Overdue ageing, from just late to long overdue: darker is worse.
AGEING = ("#fbbf24", "#f97316", "#dc2626", "#7f1d1d")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'

Format = Callable[[float], str]


def compact(value: float) -> str:
    """An axis label: 950, 12k, 1.5M."""
    size = abs(value)
    for limit, suffix in ((1e9, "bn"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            text = f"{value / limit:.1f}".removesuffix(".0")
            return f"{text}{suffix}"
    return f"{value:.0f}"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 x 10^n at or above ``value`` (1 for nothing)."""
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _open(chart_id: str, title: str, description: str, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="chart" '
        f'viewBox="0 0 {WIDTH} {_number(height)}" width="100%" role="img" '
        f'aria-label="{escape(title)}" aria-describedby="{escape(chart_id)}-desc" '
        f'focusable="false" {FONT}>',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _close(parts: list[str]) -> Markup:
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every value above was escaped


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


def column_chart(
    points: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    description: str,
    trend_per_point: float | None = None,
    format_value: Format = compact,
) -> Markup:
    """Vertical bars, one per (label, value), with an optional least-squares trend line.

    The line is drawn from the slope alone: a least-squares line passes through the
    mean of the points, so the report's ``trendPerMonth`` is all it needs.
    """
    height, left, right, top, bottom = 260.0, 56.0, 12.0, 12.0, 40.0
    values = [v for _, v in points]
    trend: list[float] = []
    if trend_per_point is not None and values:
        middle, mean = (len(values) - 1) / 2, sum(values) / len(values)
        trend = [mean + trend_per_point * (i - middle) for i in range(len(values))]
    high = nice_ceiling(max([0.0, *values, *trend]))
    low = -nice_ceiling(-min([0.0, *values, *trend])) if min([0.0, *values, *trend]) < 0 else 0.0
    plot_h, plot_w = height - top - bottom, WIDTH - left - right

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * plot_h

    parts = _open(chart_id, title, description, height)
    for i in range(5):
        tick = low + (high - low) * i / 4
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{_number(y(tick))}" '
            f'y2="{_number(y(tick))}" stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{_number(y(tick) + 4)}" text-anchor="end" '
            f'fill="{INK}">{escape(compact(tick))}</text>'
        )
    slot = plot_w / max(len(points), 1)
    every = max(1, math.ceil(len(points) / 12))
    for i, (label, value) in enumerate(points):
        x = left + slot * i + slot * 0.15
        top_y, base_y = y(max(value, 0.0)), y(min(value, 0.0))
        parts.append(
            f'<rect x="{_number(x)}" y="{_number(top_y)}" width="{_number(slot * 0.7)}" '
            f'height="{_number(max(base_y - top_y, 0.0))}" fill="{BAR}">'
            f"<title>{escape(label)}: {escape(format_value(value))}</title></rect>"
        )
        if i % every == 0:
            parts.append(
                f'<text x="{_number(left + slot * (i + 0.5))}" y="{_number(height - bottom + 16)}"'
                f' text-anchor="middle" fill="{INK}">{escape(label)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{_number(y(0))}" y2="{_number(y(0))}" '
        f'stroke="{INK}"/>'
    )
    if len(trend) >= 2:
        line = " ".join(
            f"{_number(left + slot * (i + 0.5))},{_number(y(v))}" for i, v in enumerate(trend)
        )
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{TREND}" stroke-width="2.5" '
            f'stroke-dasharray="6 4"><title>Trend line</title></polyline>'
            f'<g aria-hidden="true"><line x1="{left}" x2="{left + 24}" y1="{height - 8}" '
            f'y2="{height - 8}" stroke="{TREND}" stroke-width="2.5" stroke-dasharray="6 4"/>'
            f'<text x="{left + 30}" y="{height - 4}" fill="{INK}">Trend</text>'
            f'<rect x="{left + 90}" y="{height - 14}" width="12" height="12" fill="{BAR}"/>'
            f'<text x="{left + 108}" y="{height - 4}" fill="{INK}">Net spend</text></g>'
        )
    return _close(parts)


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    description: str,
    format_value: Format = compact,
) -> Markup:
    """Horizontal bars, one row per (label, value), largest first as given. Negative
    values draw no bar but keep their row and figure."""
    row, label_w, value_w, top = 26.0, 190.0, 100.0, 6.0
    height = top * 2 + row * max(len(items), 1)
    longest = max([v for _, v in items if v > 0], default=0.0)
    plot_w = WIDTH - label_w - value_w
    parts = _open(chart_id, title, description, height)
    for i, (label, value) in enumerate(items):
        y = top + row * i
        width = plot_w * value / longest if longest > 0 and value > 0 else 0.0
        parts.append(
            f'<text x="{label_w - 8}" y="{_number(y + row / 2 + 4)}" text-anchor="end" '
            f'fill="{INK}">{escape(_shorten(label, 28))}</text>'
            f'<rect x="{label_w}" y="{_number(y + 4)}" width="{_number(width)}" '
            f'height="{_number(row - 8)}" fill="{BAR}">'
            f"<title>{escape(label)}: {escape(format_value(value))}</title></rect>"
            f'<text x="{_number(label_w + width + 6)}" y="{_number(y + row / 2 + 4)}" '
            f'fill="{INK}">{escape(format_value(value))}</text>'
        )
    return _close(parts)


def stacked_bar(
    segments: Sequence[tuple[str, float]],
    *,
    chart_id: str,
    title: str,
    description: str,
    colours: Sequence[str] = AGEING,
    format_value: Format = compact,
) -> Markup:
    """One bar split into segments in proportion to their values, with a legend."""
    height, left, right, bar_h = 96.0, 8.0, 8.0, 32.0
    total = sum(v for _, v in segments if v > 0)
    plot_w = WIDTH - left - right
    parts = _open(chart_id, title, description, height)
    parts.append(
        f'<rect x="{left}" y="8" width="{plot_w}" height="{bar_h}" fill="none" stroke="{GRID}"/>'
    )
    x = left
    for i, (label, value) in enumerate(segments):
        colour = colours[i % len(colours)]
        width = plot_w * value / total if total > 0 and value > 0 else 0.0
        if width > 0:
            parts.append(
                f'<rect x="{_number(x)}" y="8" width="{_number(width)}" height="{bar_h}" '
                f'fill="{colour}"><title>{escape(label)}: {escape(format_value(value))}</title>'
                "</rect>"
            )
        x += width
        slot = plot_w / max(len(segments), 1)
        lx = left + slot * i
        parts.append(
            f'<rect x="{_number(lx)}" y="{8 + bar_h + 16}" width="12" height="12" '
            f'fill="{colour}"/><text x="{_number(lx + 18)}" y="{8 + bar_h + 26}" '
            f'fill="{INK}">{escape(label)}: {escape(format_value(value))}</text>'
        )
    if total <= 0:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{8 + bar_h / 2 + 4}" text-anchor="middle" '
            f'fill="{INK}">Nothing to show</text>'
        )
    return _close(parts)
