"""Stories: the narrative sections of a year (data/<year>/stories/<scope>.md), rendered safely.

Markdown is data written by people: it is read as UTF-8 and rendered with markdown-it-py with raw
HTML disabled (any HTML in it shows as text) and only http(s) and mailto links allowed.

Photos are optional: `![alt text](foto.jpg)` embeds a JPEG or PNG file lying beside the story (never
one from elsewhere), with its alt text; a caption paragraph "*Foto: …*" shows only right after its
photo, so a caption whose photo is missing is left out. A section "## Financiële conclusies" is
taken out of the story and shown with the finance figures (`split_section`).

A story may name a computed figure instead of typing it: `{{ figuur: generic:deelnemers }}` is the
scope's own figure (basis actual), `{{ figuur: expense_total.budget }}` names the basis, and
`{{ figuur: generic:deelnemers van top }}` the figure of another scope. Only figure keys, never code;
the report shows the value the Dutch way (1.085, € 370.245, 33%). An unknown key or scope is a
validation error naming the file and line.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from bwklib.errors import Problem, decode_utf8
from bwklib.inputs.schema import read_bytes

STORIES = "stories"
SAFE_SCHEMES = ("http://", "https://", "mailto:")
PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
CAPTION = re.compile(r"^[*_]*Foto:", re.I)
FINANCE_CONCLUSIONS = "Financiële conclusies"


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
    """A CommonMark renderer without raw HTML, with tables, safe links and (local) images."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: validate_link(url) or is_local_photo(url)
    return md


def is_local_photo(url: str) -> bool:
    """A bare file name of a photo beside the story (no folder, no scheme)."""
    return (
        re.fullmatch(r"[\w][\w .-]*", url) is not None and Path(url).suffix.lower() in PHOTO_TYPES
    )


def photo_uri(url: str, folder: Path | None) -> str | None:
    """The photo as a data: URI when it is a local file that exists, else None."""
    if folder is None or not is_local_photo(url):
        return None
    path = Path(folder) / url
    if not path.is_file():
        return None
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f"data:{PHOTO_TYPES[path.suffix.lower()]};base64,{data}"


def split_section(text: str, title: str = FINANCE_CONCLUSIONS) -> tuple[str, str]:
    """The story without the level-2 section `title`, and that section's body (or "")."""
    match = re.search(rf"^## {re.escape(title)}[ \t]*\n(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    if not match:
        return text, ""
    return text[: match.start()] + text[match.end() :], match[1].strip()


def blocks(tokens) -> list[list]:
    """Top-level blocks: a paragraph (open, inline, close) is one block, every other token one."""
    out, i = [], 0
    while i < len(tokens):
        if tokens[i].type == "paragraph_open" and tokens[i].level == 0:
            out.append(tokens[i : i + 3])
            i += 3
        else:
            out.append([tokens[i]])
            i += 1
    return out


def place_photos(tokens, folder: Path | None) -> list:
    """Embed local photos, drop missing ones, and keep a 'Foto:' caption only after its photo."""
    out, after_photo = [], False
    for block in blocks(tokens):
        if block[0].type != "paragraph_open" or block[0].level != 0:
            out += block
            after_photo = False
            continue
        inline = block[1]
        images = [c for c in inline.children or [] if c.type == "image"]
        for image in images:
            uri = photo_uri(image.attrGet("src") or "", folder)
            if uri is None:
                inline.children.remove(image)
            else:
                image.attrSet("src", uri)
        rest = "".join(c.content for c in inline.children or [] if c.type != "image")
        shown_images = [c for c in inline.children or [] if c.type == "image"]
        if images and not shown_images and not rest.strip():
            after_photo = False  # a photo paragraph whose photo is missing: nothing to show
            continue
        if CAPTION.match(inline.content.strip()):
            if not after_photo:
                continue  # a caption without its photo
            block[0].attrSet("class", "photo-caption")
        out += block
        after_photo = bool(shown_images)
    return out


def render(text: str, folder: Path | None = None) -> str:
    """Render a story to HTML: the document title (#) is dropped, other headings move down a level.

    `folder` is where the story's photos are (data/<year>/stories/); without it no photo is shown.
    """
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
    return md.renderer.render(place_photos(out, folder), md.options, {})


REFERENCE = re.compile(r"\{\{(.*?)\}\}", re.S)
FIGURE = re.compile(
    r"^\s*figuur\s*:\s*(?P<key>[a-z_]+(?::[a-z0-9-]+)?)"
    r"(?:\.(?P<basis>budget|actual|variance|published))?"
    r"(?:\s+van\s+(?P<scope>[a-z0-9-]+))?\s*$"
)
FIGURE_HELP = (
    "schrijf {{ figuur: <sleutel> }}, {{ figuur: <sleutel>.budget }} of "
    "{{ figuur: <sleutel> van <locatie-id> }}, bijv. {{ figuur: generic:deelnemers }}"
)


@dataclass(frozen=True)
class FigureRef:
    """One `{{ figuur: ... }}` in a story: the key, basis and scope it names, and its line."""

    key: str | None  # None: the braces hold something else than a figure reference
    basis: str
    scope: str | None
    line: int
    text: str


def figure_refs(text: str) -> list[FigureRef]:
    """Every `{{ ... }}` of a story, in order, with the line it starts on (1-based)."""
    refs = []
    for m in REFERENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        f = FIGURE.match(m.group(1))
        if f is None:
            refs.append(FigureRef(None, "", None, line, m.group(0)))
        else:
            refs.append(FigureRef(f["key"], f["basis"] or "actual", f["scope"], line, m.group(0)))
    return refs


def check_figures(data, problems: list[Problem], shown) -> None:
    """Every figure a story names exists: a documented key, known ids, a known scope."""
    from bwklib.compute.keys import key_docs, key_problem

    docs = key_docs(data)
    scopes = set(data["locations"].location) | set(data["regions"].region)
    for scope, text in data.stories.items():
        path = shown(data.story_files[scope])
        for ref in figure_refs(text):
            if ref.key is None:
                why = f"'{ref.text}' is geen verwijzing naar een cijfer; {FIGURE_HELP}"
            elif ref.scope is not None and ref.scope not in scopes:
                why = f"'{ref.scope}' in '{ref.text}' is geen locatie- of regio-id"
            else:
                why = key_problem(data, ref.key, docs)
            if why:
                problems.append(Problem(path, ref.line, None, None, why))


def bind(text: str, value: Callable[[FigureRef], str]) -> str:
    """The story with every figure reference replaced by `value(ref)` (already formatted)."""
    refs = iter(figure_refs(text))
    return REFERENCE.sub(lambda m: value(next(refs)), text)
