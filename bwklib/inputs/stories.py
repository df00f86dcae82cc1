"""Stories: the narrative sections of a year (data/<year>/stories/<scope>.md), rendered safely.

Markdown is data written by people: it is read as UTF-8 and rendered with markdown-it-py with raw
HTML disabled (any HTML in it shows as text) and only http(s) and mailto links allowed.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt

from bwklib.errors import Problem, decode_utf8
from bwklib.inputs.schema import read_bytes

STORIES = "stories"
SAFE_SCHEMES = ("http://", "https://", "mailto:")


def story_paths(year_dir: Path) -> dict[str, Path]:
    """The story files of a year, by scope id (file name without .md), sorted."""
    folder = Path(year_dir) / STORIES
    if not folder.is_dir():
        return {}
    return {p.stem: p for p in sorted(folder.glob("*.md"))}


def read_stories(
    year_dir: Path, scopes: set[str], problems: list[Problem], shown
) -> dict[str, str]:
    """Read every story as UTF-8; record a problem for bad encoding or an unknown scope."""
    stories = {}
    for scope, path in story_paths(year_dir).items():
        raw = read_bytes(path, shown(path), problems)
        if raw is None:
            continue
        if scope not in scopes:
            problems.append(
                Problem(
                    shown(path),
                    None,
                    None,
                    None,
                    "de bestandsnaam is geen locatie- of "
                    "regio-id; noem het bestand <id>.md, bijv. top.md",
                )
            )
            continue
        text = decode_utf8(
            raw, shown(path), problems, "de tekst is geen UTF-8; sla het bestand op als UTF-8"
        )
        if text is None:
            continue
        stories[scope] = text.removeprefix("\ufeff")
    return stories


def validate_link(url: str) -> bool:
    """Allow only web and mail links; anything else (javascript:, data:, file:) is not linked."""
    return url.strip().lower().startswith(SAFE_SCHEMES)


def renderer() -> MarkdownIt:
    """A CommonMark renderer without raw HTML or images, with tables and safe links."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable("image")  # an image would be loaded from elsewhere; ![x](url) stays a plain link
    md.validateLink = validate_link
    return md


def render(text: str) -> str:
    """Render a story to HTML: the document title (#) is dropped, other headings move down a level."""
    md = renderer()
    tokens = md.parse(text)
    out, skip = [], False
    for tok in tokens:
        if tok.type == "heading_open" and tok.tag == "h1":
            skip = True
            continue
        if skip:
            skip = tok.type != "heading_close"
            continue
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, int(tok.tag[1]) + 1)}"
        out.append(tok)
    return md.renderer.render(out, md.options, {})
