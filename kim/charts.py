"""Server-side SVG charts: the same picture in the browser and in WeasyPrint PDFs.

Accessible by construction (BITV 2.0 / WCAG 2.1): ``role="img"`` with a title and a description,
every bar labelled with its German-formatted value (nothing is conveyed by colour alone: series
also differ by pattern and are named in a legend), and the caller shows the numbers as a table
next to the chart. No JavaScript, no external resources.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kim.money import format_decimal

# Colour-blind-safe palette (Okabe–Ito) with a distinct pattern per series.
PALETTE = ["#0b3a66", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]
PATTERNS = ["solid", "hatch", "dots", "cross", "solid", "hatch"]


@dataclass(frozen=True)
class Series:
    name: str
    # A protected count ("<5", "•") or None is kept in its place and left undrawn (see column_chart_svg).
    values: Sequence[Decimal | int | float | str | None]


def _fmt_default(value) -> str:
    value = Decimal(str(value))
    return format_decimal(value, 0 if value == value.to_integral() else 1)


def _pattern_defs(uid: str) -> str:
    parts = []
    for i, (colour, kind) in enumerate(zip(PALETTE, PATTERNS, strict=False)):
        pid = f"{uid}-p{i}"
        if kind == "solid":
            continue
        if kind == "hatch":
            body = f'<rect width="6" height="6" fill="#fff"/><path d="M0,6 L6,0" stroke="{colour}" stroke-width="2.2"/>'
        elif kind == "dots":
            body = f'<rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.7" fill="{colour}"/>'
        else:
            body = f'<rect width="6" height="6" fill="#fff"/><path d="M0,0 L6,6 M6,0 L0,6" stroke="{colour}" stroke-width="1.4"/>'
        parts.append(f'<pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse">{body}</pattern>')
    return "<defs>" + "".join(parts) + "</defs>"


def _fill(uid: str, i: int) -> str:
    i %= len(PALETTE)
    return PALETTE[i] if PATTERNS[i] == "solid" else f"url(#{uid}-p{i})"


def bar_chart_svg(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    fmt: Callable[[object], str] = _fmt_default,
    unit: str = "",
    width: int = 640,
    bar_height: int = 18,
) -> SafeString:
    """Horizontal grouped bars: one group per category, one bar per series, each labelled."""
    # Deterministic ids: the same chart renders byte-identically (caching, backups, PDF comparison).
    uid = "chart-" + hashlib.sha1(f"{title}|{description}|{list(categories)}".encode()).hexdigest()[:10]
    label_w, right_pad, top = 170, 90, 34
    plot_w = width - label_w - right_pad
    group_h = bar_height * len(series) + 12
    legend_h = 24
    height = top + group_h * len(categories) + legend_h + 8
    peak = max([Decimal(str(v)) for s in series for v in s.values] + [Decimal(0)])
    scale = (Decimal(plot_w) / peak) if peak > 0 else Decimal(0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{uid}-t {uid}-d" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(description)}</desc>',
        _pattern_defs(uid),
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#1b1f24">{escape(title)}</text>',
    ]
    for c, category in enumerate(categories):
        y0 = top + c * group_h
        out.append(
            f'<text x="{label_w - 8}" y="{y0 + group_h / 2:.1f}" text-anchor="end" dominant-baseline="middle" '
            f'fill="#1b1f24">{escape(category)}</text>'
        )
        for s_index, s in enumerate(series):
            value = Decimal(str(s.values[c]))
            w = max(float(value * scale), 0.0)
            y = y0 + s_index * bar_height
            out.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height - 3}" fill="{_fill(uid, s_index)}" '
                f'stroke="{PALETTE[s_index % len(PALETTE)]}" stroke-width="1"><title>{escape(s.name)}, '
                f"{escape(category)}: {escape(fmt(value))}{escape(unit)}</title></rect>"
            )
            out.append(
                f'<text x="{label_w + w + 5:.1f}" y="{y + (bar_height - 3) / 2:.1f}" dominant-baseline="middle" '
                f'fill="#1b1f24">{escape(fmt(value))}{escape(unit)}</text>'
            )
    ly = height - legend_h + 6
    x = label_w
    for s_index, s in enumerate(series):
        out.append(
            f'<rect x="{x}" y="{ly}" width="14" height="14" fill="{_fill(uid, s_index)}" '
            f'stroke="{PALETTE[s_index % len(PALETTE)]}"/>'
            f'<text x="{x + 19}" y="{ly + 11}" fill="#1b1f24">{escape(s.name)}</text>'
        )
        x += 28 + 7 * len(s.name)
    out.append("</svg>")
    return mark_safe("".join(out))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def column_chart_svg(
    *,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    fmt: Callable[[object], str] = _fmt_default,
    unit: str = "",
    width: int = 760,
    plot_height: int = 220,
) -> SafeString:
    """Vertical columns: one slot per category (e.g. a month), the series grouped side by side or stacked.

    A value that is no number (a protected count such as "<5" or "•", or ``None``) is never drawn:
    its slot shows the marker instead of a column, as the table beside the chart does. Grouped
    columns carry their value above them; stacked segments carry it inside when there is room,
    and every stack its total on top. Every column also has a ``<title>`` (series, category, value).
    """
    uid = "chart-" + hashlib.sha1(f"col|{title}|{description}|{list(categories)}|{stacked}".encode()).hexdigest()[:10]
    left, right, top = 44, 12, 40
    axis_h, legend_h = 34, 26
    height = top + plot_height + axis_h + legend_h + 8
    plot_w = width - left - right
    slot = plot_w / max(len(categories), 1)

    def num(v) -> Decimal:
        return Decimal(str(v)) if _is_number(v) else Decimal(0)

    if stacked:
        peak = max([sum((num(s.values[c]) for s in series), Decimal(0)) for c in range(len(categories))] + [Decimal(0)])
    else:
        peak = max([num(v) for s in series for v in s.values] + [Decimal(0)])
    scale = (Decimal(plot_height) / peak) if peak > 0 else Decimal(0)
    base = top + plot_height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="{uid}-t {uid}-d" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-size="11">',
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(description)}</desc>',
        _pattern_defs(uid),
        f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#1b1f24">{escape(title)}</text>',
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#1b1f24" stroke-width="1"/>',
    ]

    def column(
        x: float, w: float, y_bottom: float, value, s_index: int, s_name: str, category: str
    ) -> tuple[float, str]:
        h = float(num(value) * scale)
        label = f"{fmt(value)}{unit}" if _is_number(value) else str(value if value is not None else "–")
        out.append(
            f'<rect x="{x:.1f}" y="{y_bottom - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{_fill(uid, s_index)}" '
            f'stroke="{PALETTE[s_index % len(PALETTE)]}" stroke-width="1"><title>{escape(s_name)}, '
            f"{escape(category)}: {escape(label)}</title></rect>"
        )
        return h, label

    for c, category in enumerate(categories):
        x0 = left + c * slot
        out.append(
            f'<text x="{x0 + slot / 2:.1f}" y="{base + 16}" text-anchor="middle" fill="#1b1f24">{escape(category)}</text>'
        )
        if stacked:
            w = slot * 0.6
            x = x0 + (slot - w) / 2
            y = float(base)
            for s_index, s in enumerate(series):
                value = s.values[c]
                if not _is_number(value) or num(value) == 0:
                    continue  # a protected value is never part of a stack; zero has no segment
                h, label = column(x, w, y, value, s_index, s.name, category)
                if h >= 13:
                    # white box behind the number keeps it readable on every pattern
                    tw = 7 * len(label) + 4
                    out.append(
                        f'<rect x="{x + w / 2 - tw / 2:.1f}" y="{y - h / 2 - 7:.1f}" width="{tw}" height="13" fill="#fff" opacity="0.9"/>'
                        f'<text x="{x + w / 2:.1f}" y="{y - h / 2 + 4:.1f}" text-anchor="middle" fill="#1b1f24">{escape(label)}</text>'
                    )
                y -= h
            total = sum((num(s.values[c]) for s in series), Decimal(0))
            out.append(
                f'<text x="{x + w / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-weight="bold" fill="#1b1f24">'
                f"{escape(fmt(total))}{escape(unit)}</text>"
            )
        else:
            inner = slot * 0.8
            w = inner / max(len(series), 1)
            for s_index, s in enumerate(series):
                x = x0 + (slot - inner) / 2 + s_index * w
                value = s.values[c]
                if _is_number(value):
                    h, label = column(x, w - 1, float(base), value, s_index, s.name, category)
                else:
                    h, label = 0.0, str(value if value is not None else "–")
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" font-size="9" fill="#1b1f24">'
                    f"{escape(label)}</text>"
                )
    ly = height - legend_h + 4
    x = left
    for s_index, s in enumerate(series):
        out.append(
            f'<rect x="{x}" y="{ly}" width="14" height="14" fill="{_fill(uid, s_index)}" '
            f'stroke="{PALETTE[s_index % len(PALETTE)]}"/>'
            f'<text x="{x + 19}" y="{ly + 11}" fill="#1b1f24">{escape(s.name)}</text>'
        )
        x += 30 + 8 * len(s.name)
    out.append("</svg>")
    return mark_safe("".join(out))
