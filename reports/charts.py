"""Server-side SVG charts: the one code path that draws every chart, on the pages
(inline, which the CSP allows: no script, no style attribute) and in the PDF reports.

Each function takes plain numbers and text and returns SVG markup, every piece of
text escaped, with a ``<title>`` and an ``aria-label`` so a screen reader says what
the chart shows. Colours are presentation attributes, not ``style``, so neither the
CSP nor WeasyPrint needs anything else. Nothing here knows about requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

SVG_NS = "http://www.w3.org/2000/svg"

# Colours of the app's palette (static/css/app.css): green for a good score, amber in
# the middle, red for a poor one; grey for tracks and axes.
GOOD, FAIR, POOR = "#1e7e34", "#b35c00", "#8c1d18"
TRACK, LINE = "#d9dee4", "#174ea6"


def _attr(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    """A coordinate without float noise (``12.5``, ``3``)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(width: int, height: int, label: str, body: str, css_class: str) -> SafeString:
    return mark_safe(  # noqa: S308 — every piece of text in ``body`` and ``label`` is escaped
        f'<svg xmlns="{SVG_NS}" class="{_attr(css_class)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_attr(label)}">'
        f"<title>{escape(label)}</title>{body}</svg>"
    )


def score_colour(score: float, maximum: float = 100) -> str:
    """Green from 71 % (grade B and better), amber from 51 % (C), red below."""
    share = score / maximum if maximum else 0
    if share >= 0.71:
        return GOOD
    if share >= 0.51:
        return FAIR
    return POOR


def sparkline(
    values: Sequence[float | None],
    *,
    label: str,
    maximum: float = 100,
    width: int = 120,
    height: int = 28,
) -> SafeString:
    """A line through ``values`` (oldest first) on a 0–``maximum`` scale, the last
    value marked with a dot in its score colour. ``None`` (a month without a value)
    breaks the line. With no value at all it draws only the baseline."""
    pad = 3
    inner_w, inner_h = width - 2 * pad, height - 2 * pad
    step = inner_w / (len(values) - 1) if len(values) > 1 else 0

    def point(index: int, value: float) -> tuple[float, float]:
        share = min(max(value / maximum, 0), 1) if maximum else 0
        x = pad + index * step if len(values) > 1 else width / 2
        return x, pad + inner_h * (1 - share)

    body = [
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        f'stroke="{TRACK}" stroke-width="1"/>'
    ]
    run: list[str] = []
    runs: list[list[str]] = [run]
    for index, value in enumerate(values):
        if value is None:
            run = []
            runs.append(run)
            continue
        x, y = point(index, value)
        run.append(f"{_number(x)},{_number(y)}")
    for points in runs:
        if len(points) > 1:
            body.append(
                f'<polyline points="{" ".join(points)}" fill="none" stroke="{LINE}" '
                'stroke-width="1.5" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    last = next(
        ((i, v) for i, v in reversed(list(enumerate(values))) if v is not None),
        None,
    )
    if last is not None:
        x, y = point(*last)
        colour = score_colour(last[1], maximum)
        body.append(f'<circle cx="{_number(x)}" cy="{_number(y)}" r="2.5" fill="{colour}"/>')
    return _svg(width, height, label, "".join(body), "chart sparkline")


def horizontal_bar(
    value: float,
    maximum: float,
    *,
    label: str,
    text: str = "",
    colour: str = POOR,
    width: int = 160,
    height: int = 14,
) -> SafeString:
    """A bar of ``value`` out of ``maximum`` over a grey track of the full length —
    e.g. the points a scorecard component took off, out of what it can take — with
    ``text`` written to its right when given (then ``width`` includes the text)."""
    text_width = 7 * len(text) + 6 if text else 0
    track = max(width - text_width, 10)
    share = min(max(value / maximum, 0), 1) if maximum else 0
    body = [
        f'<rect x="0" y="1" width="{track}" height="{height - 2}" rx="2" fill="{TRACK}"/>',
        f'<rect x="0" y="1" width="{_number(track * share)}" height="{height - 2}" rx="2" '
        f'fill="{_attr(colour)}"/>',
    ]
    if text:
        body.append(
            f'<text x="{track + 6}" y="{height - 3}" font-size="{height - 3}" '
            f'fill="currentColor">{escape(text)}</text>'
        )
    return _svg(width, height, label, "".join(body), "chart bar")


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    label: str,
    colours: Sequence[str] = (),
    width: int = 320,
) -> SafeString:
    """Horizontal bars on one scale (the largest value spans the width), one per
    ``(name, value)`` pair, e.g. open CAPs by severity or by category. Each name is
    written above its bar and the value after it, so long names (a finding category)
    need no measuring of text; ``colours`` gives each bar its colour, in order (the
    palette's blue when missing)."""
    font, bar, gap = 12, 12, 8
    row = font + 4 + bar + gap
    height = max(row * len(bars) - gap, bar)
    value_width = 7 * max((len(_number(value)) for _name, value in bars), default=1) + 6
    track = max(width - value_width, 10)
    largest = max((value for _name, value in bars), default=0)
    body = []
    for index, (name, value) in enumerate(bars):
        top = index * row
        bar_top = top + font + 4
        share = value / largest if largest > 0 else 0
        colour = colours[index] if index < len(colours) else LINE
        body.append(
            f'<text x="0" y="{top + font}" font-size="{font}" fill="currentColor">'
            f"{escape(name)}</text>"
            f'<rect x="0" y="{bar_top}" width="{track}" height="{bar}" rx="2" fill="{TRACK}"/>'
            f'<rect x="0" y="{bar_top}" width="{_number(track * share)}" height="{bar}" rx="2" '
            f'fill="{_attr(colour)}"/>'
            f'<text x="{track + 6}" y="{bar_top + bar - 2}" font-size="{font}" '
            f'fill="currentColor">{escape(_number(value))}</text>'
        )
    return _svg(width, height, label, "".join(body), "chart bars")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2 or 5 times a power of ten that is at least ``value``
    (1 for nothing at all), so an axis ends on a round number: 7 → 10, 23 → 50."""
    if value <= 1:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power  # pragma: no cover — the loop always returns


def column_chart(
    columns: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], str]],
    *,
    label: str,
    width: int = 480,
    height: int = 180,
    show_values: bool = False,
) -> SafeString:
    """Vertical columns grouped by ``columns`` (e.g. the months of a year, oldest
    first), one column per ``(name, values, colour)`` of ``series`` side by side, on
    one scale from zero to a round number above the largest value. A legend names the
    series above the plot; the scale's top and zero are written on the left. Each
    series has one value per column (missing values count as zero). With
    ``show_values`` each column above zero has its value written on top, so a printed
    chart needs no table beside it."""
    font, legend_h, axis_h = 10, 16, 14
    top = legend_h + font + (font if show_values else 0)
    bottom = height - axis_h
    plot_h = max(bottom - top, 10)
    largest = max((v for _name, values, _colour in series for v in values), default=0)
    scale = nice_ceiling(largest)
    left = 7 * len(_number(scale)) + 6
    plot_w = max(width - left, 10)
    group = plot_w / len(columns) if columns else plot_w
    column = group * 0.8 / max(len(series), 1)

    body = []
    legend_x = float(left)
    for name, _values, colour in series:
        body.append(
            f'<rect x="{_number(legend_x)}" y="2" width="10" height="10" fill="{_attr(colour)}"/>'
            f'<text x="{_number(legend_x + 14)}" y="11" font-size="{font}" '
            f'fill="currentColor">{escape(name)}</text>'
        )
        legend_x += 14 + 6.5 * len(name) + 16
    for y, text in ((top, _number(scale)), (bottom, "0")):
        body.append(
            f'<line x1="{left}" y1="{y}" x2="{width}" y2="{y}" stroke="{TRACK}" '
            'stroke-width="1"/>'
            f'<text x="{left - 4}" y="{y + 3}" font-size="{font}" text-anchor="end" '
            f'fill="currentColor">{escape(text)}</text>'
        )
    for index, name in enumerate(columns):
        start = left + index * group + group * 0.1
        for offset, (_name, values, colour) in enumerate(series):
            value = values[index] if index < len(values) else 0
            bar_h = plot_h * min(max(value / scale, 0), 1)
            if bar_h <= 0:
                continue
            x = start + offset * column
            body.append(
                f'<rect x="{_number(x)}" y="{_number(bottom - bar_h)}" '
                f'width="{_number(column)}" height="{_number(bar_h)}" fill="{_attr(colour)}"/>'
            )
            if show_values:
                body.append(
                    f'<text x="{_number(x + column / 2)}" y="{_number(bottom - bar_h - 2)}" '
                    f'font-size="{font - 2}" text-anchor="middle" fill="currentColor">'
                    f"{escape(_number(value))}</text>"
                )
        body.append(
            f'<text x="{_number(left + index * group + group / 2)}" y="{height - 2}" '
            f'font-size="{font}" text-anchor="middle" fill="currentColor">{escape(name)}</text>'
        )
    return _svg(width, height, label, "".join(body), "chart columns")


def stacked_bar(
    parts: Sequence[tuple[str, float, str]],
    *,
    label: str,
    width: int = 480,
    height: int = 14,
) -> SafeString:
    """One bar across the full width split into ``(name, value, colour)`` parts in
    proportion to their values (e.g. CAPs by status), each part with a ``<title>``
    naming it and its value. With no value at all it draws the grey track alone."""
    total = sum(max(value, 0) for _name, value, _colour in parts)
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" rx="2" fill="{TRACK}"/>']
    x = 0.0
    for name, value, colour in parts:
        if value <= 0 or total <= 0:
            continue
        part_w = width * value / total
        body.append(
            f'<rect x="{_number(x)}" y="0" width="{_number(part_w)}" height="{height}" '
            f'fill="{_attr(colour)}"><title>{escape(f"{name}: {_number(value)}")}</title></rect>'
        )
        x += part_w
    return _svg(width, height, label, "".join(body), "chart stacked")
