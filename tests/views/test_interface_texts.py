"""Issue 16: no developer or demo-internal text in the interface. Demo remarks live in the README;
settings are the operators' business, not the users'. Every template of the project is read with
its comments removed."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = ("casemanagement", "committee", "funding", "kim", "modules", "overview", "templates")
FORBIDDEN = [
    re.compile(r"\bDemo\w*"),
    re.compile(r"domain\.md|design\.md|README"),
    re.compile(r"Kalibrierung"),
    re.compile(r"\b[A-Z]{3,}_[A-Z_]{3,}\b"),  # a setting's name, e.g. FUNDING_HORIZON_MONTHS
]
COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}|<!--.*?-->", re.S)
VARIABLE = re.compile(r"\{\{.*?\}\}", re.S)
TAG = re.compile(r"\{%.*?%\}", re.S)
QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def shown_text(source: str) -> str:
    """What a template can show: its literal text and the strings quoted in its tags and variables
    (translate …, default:_("…"))."""
    quoted = lambda m: " ".join(a or b for a, b in QUOTED.findall(m.group(0)))  # noqa: E731
    return TAG.sub(quoted, VARIABLE.sub(quoted, COMMENT.sub(" ", source)))


def templates() -> list[Path]:
    found = []
    for app in APPS:
        found += list((ROOT / app).glob("**/*.html"))
    return found


def test_no_template_shows_demo_or_developer_text():
    files = templates()
    assert len(files) > 50
    hits = []
    for path in files:
        text = shown_text(path.read_text(encoding="utf-8"))
        for pattern in FORBIDDEN:
            hits += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert not hits, hits
