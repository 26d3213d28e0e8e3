"""Server-side SVG charts: the same picture in the browser and in WeasyPrint PDFs.

Accessible by construction (BITV 2.0 / WCAG 2.1): ``role="img"`` with a title and a description,
every bar labelled with its German-formatted value (nothing is conveyed by colour alone: series
also differ by pattern and are named in a legend), and the caller shows the numbers as a table
next to the chart. No JavaScript, no external resources.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kim.money import format_decimal

# Colour-blind-safe palette (Okabe–Ito) with a distinct pattern per series.
PALETTE = ["#0b3a66", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"]
PATTERNS = ["solid", "hatch", "dots", "cross", "solid", "hatch"]


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int | float]


def _fmt_default(value) -> str:
    value = Decimal(str(value))
    return format_decimal(value, 0 if value == value.to_integral() else 1)


def _pattern_defs(uid: str) -> str:
    parts = []
    for i, (colour, kind) in enumerate(zip(PALETTE, PATTERNS)):
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
                f'{escape(category)}: {escape(fmt(value))}{escape(unit)}</title></rect>'
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
