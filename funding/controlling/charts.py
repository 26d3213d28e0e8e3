"""Server-side SVG charts: the same picture serves the browser and the PDF papers (embed the string).

``flow_svg`` draws a Sankey-like funding flow: boxes per node in columns, bands whose thickness is
proportional to the amount, labels with euro amounts. It is readable without colour (grey tones, a
dark outline, every figure written out) and carries a <title>/<desc> for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol
from xml.sax.saxutils import escape

from django.utils.translation import gettext_lazy as _

from kim.money import ZERO, format_euro

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class FlowNode:
    key: str
    label: StrOrPromise
    amount: Decimal
    column: int


@dataclass
class FlowLink:
    source: str
    target: str
    amount: Decimal


FILLS = ["#d9dee3", "#c4ccd4", "#b0bac5", "#9aa6b2", "#86939f"]


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def flow_svg(nodes: list[FlowNode], links: list[FlowLink], *, title: str, width: int = 1100, height: int = 520) -> str:
    """The flow diagram as an SVG string (no external resources; safe to inline)."""
    columns = sorted({n.column for n in nodes})
    if not nodes or not columns:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="60" viewBox="0 0 {width} 60">'
            f"<title>{escape(title)}</title><text x='10' y='35' font-family='sans-serif' font-size='14'>Keine Daten</text></svg>"
        )
    node_w, top, bottom, gap = 16, 30, 20, 14
    label_room = 230
    usable_w = width - label_room - node_w
    col_x = {c: 10 + (usable_w * i / max(1, len(columns) - 1)) for i, c in enumerate(columns)}
    per_col: dict[int, list[FlowNode]] = {c: [n for n in nodes if n.column == c] for c in columns}
    biggest = max(sum((float(n.amount) for n in col), 0.0) + gap * 0 for col in per_col.values()) or 1.0
    max_nodes = max(len(col) for col in per_col.values())
    scale = (height - top - bottom - gap * (max_nodes - 1)) / biggest
    pos: dict[str, tuple[float, float, float]] = {}  # key → (x, y, h)
    for c, col in per_col.items():
        y = top
        for n in col:
            h = max(float(n.amount) * scale, 2.0)
            pos[n.key] = (col_x[c], y, h)
            y += h + gap
    out_offset = {k: 0.0 for k in pos}
    in_offset = {k: 0.0 for k in pos}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="flow-title flow-desc" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="Source Sans Pro, Arial, sans-serif" font-size="12">',
        f'<title id="flow-title">{escape(title)}</title>',
        '<desc id="flow-desc">'
        + escape("; ".join(f"{link.source} → {link.target}: {format_euro(link.amount)}" for link in links))
        + "</desc>",
    ]
    labels = {n.key: n.label for n in nodes}
    for link in links:
        if link.source not in pos or link.target not in pos or link.amount <= 0:
            continue
        sx, sy, sh = pos[link.source]
        tx, ty, _th = pos[link.target]
        thickness = max(float(link.amount) * scale, 1.0)
        if out_offset[link.source] + thickness > sh + 0.5:
            # a recipient's onward bands are part of what it received (already shown as paid / open):
            # they start again at the top of its box and overlap those bands (translucent)
            out_offset[link.source] = 0.0
        y0 = sy + out_offset[link.source] + thickness / 2
        y1 = ty + in_offset[link.target] + thickness / 2
        out_offset[link.source] += thickness
        in_offset[link.target] += thickness
        x0, x1 = sx + node_w, tx
        mid = (x0 + x1) / 2
        parts.append(
            f'<path d="M{_fmt(x0)},{_fmt(y0)} C{_fmt(mid)},{_fmt(y0)} {_fmt(mid)},{_fmt(y1)} {_fmt(x1)},{_fmt(y1)}" '
            f'fill="none" stroke="#5b6b7a" stroke-opacity="0.28" stroke-width="{_fmt(thickness)}">'
            f"<title>{escape(labels[link.source])} → {escape(labels[link.target])}: {escape(format_euro(link.amount))}</title></path>"
        )
    for _i, n in enumerate(nodes):
        x, y, h = pos[n.key]
        fill = FILLS[n.column % len(FILLS)]
        parts.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{node_w}" height="{_fmt(h)}" fill="{fill}" stroke="#1f2d3a" stroke-width="1"/>'
        )
        last = n.column == columns[-1]
        tx = x + node_w + 6
        anchor = "start"
        ty = y + min(h / 2, 14) + 4
        parts.append(
            f'<text x="{_fmt(tx)}" y="{_fmt(ty)}" text-anchor="{anchor}" fill="#111" stroke="#fff" stroke-width="3" paint-order="stroke"><tspan font-weight="600">{escape(n.label)}</tspan>'
            f'<tspan x="{_fmt(tx)}" dy="14">{escape(format_euro(n.amount))}</tspan></text>'
        )
        del last
    parts.append("</svg>")
    return "".join(parts)


class FlowRowData(Protocol):
    """One row of a programme's flow as the diagram reads it (funding.controlling.selectors.FlowRow)."""

    @property
    def module(self) -> str: ...
    @property
    def carrier(self) -> str | None: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def level(self) -> int: ...


class FlowData(Protocol):
    """What the flow diagram reads of a year's programme flow (funding.controlling.selectors.ProgrammeFlow);
    the selector computes the figures, this module only draws them."""

    @property
    def year(self) -> int: ...
    @property
    def granted(self) -> dict[str, Decimal]: ...
    @property
    def rows(self) -> Sequence[FlowRowData]: ...
    @property
    def land_total(self) -> Decimal: ...
    @property
    def own_total(self) -> Decimal: ...
    @property
    def forwarded_total(self) -> Decimal: ...
    @property
    def paid_total(self) -> Decimal: ...
    def per_carrier(self) -> list[tuple[str, Decimal, Decimal]]: ...
    def onward_links(self) -> list[tuple[int, str, str, Decimal]]: ...


def flow_diagram(flow: FlowData) -> tuple[list[FlowNode], list[FlowLink]]:
    """Nodes and links of the flow: Land → module → own posts / forwarding → recipient → paid / open,
    and each recipient's onward forwarding level by level (level 2 beside paid / open, level 3 after it …)."""

    nodes = [FlowNode("land", "Land NRW", flow.land_total, 0)]
    links = []
    for module, amount in flow.granted.items():
        nodes.append(FlowNode(f"m:{module}", module, amount, 1))
        links.append(FlowLink("land", f"m:{module}", amount))
    own = {r.module: r.amount for r in flow.rows if r.carrier is None}
    fwd: dict[str, Decimal] = {}
    for r in flow.rows:
        if r.carrier and r.level == 1:
            fwd[r.module] = fwd.get(r.module, ZERO) + r.amount
    if flow.own_total:
        nodes.append(FlowNode("own", _("eigene Stellen (Körperschaft)"), flow.own_total, 2))
    if flow.forwarded_total:
        nodes.append(FlowNode("fwd", _("Weiterleitung an Träger"), flow.forwarded_total, 2))
    for module in flow.granted:
        if own.get(module):
            links.append(FlowLink(f"m:{module}", "own", own[module]))
        if fwd.get(module):
            links.append(FlowLink(f"m:{module}", "fwd", fwd[module]))
    paid_total, open_total = flow.paid_total, flow.forwarded_total - flow.paid_total
    for name, amount, _paid in flow.per_carrier():
        nodes.append(FlowNode(f"c:{name}", name, amount, 3))
        links.append(FlowLink("fwd", f"c:{name}", amount))
    if paid_total:
        nodes.append(FlowNode("paid", _("bereits gezahlt"), paid_total, 4))
    if open_total:
        nodes.append(FlowNode("open", _("noch nicht gezahlt"), open_total, 4))
    for name, amount, paid in flow.per_carrier():
        if paid:
            links.append(FlowLink(f"c:{name}", "paid", paid))
        if amount - paid:
            links.append(FlowLink(f"c:{name}", "open", amount - paid))
    received: dict[str, Decimal] = {}
    for level, _source, target, amount in flow.onward_links():
        key = f"c{level}:{target}"
        received[key] = received.get(key, ZERO) + amount
    for level, source, target, amount in flow.onward_links():
        key = f"c{level}:{target}"
        if not any(n.key == key for n in nodes):
            label = _("%(name)s (Stufe %(level)s)") % {"name": target, "level": level}
            nodes.append(FlowNode(key, label, received[key], level + 2))
        source_key = f"c:{source}" if level == 2 else f"c{level - 1}:{source}"
        links.append(FlowLink(source_key, key, amount))
    return nodes, links


def flow_link_rows(flow: FlowData) -> list[tuple[StrOrPromise, StrOrPromise, Decimal]]:
    """The diagram's bands as (from, to, amount), for the table beside it."""
    nodes, links = flow_diagram(flow)
    labels = {n.key: n.label for n in nodes}
    return [(labels[link.source], labels[link.target], link.amount) for link in links if link.source in labels]


def programme_flow_svg(flow: FlowData) -> str:
    """The programme's flow as an SVG string for the page and the papers."""
    nodes, links = flow_diagram(flow)
    return flow_svg(nodes, links, title=f"Mittelfluss KIM {flow.year}")
