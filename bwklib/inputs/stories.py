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

A story may also place one of the scope's charts where its text refers to it: a line holding only
`{{ grafiek: deelnemers-per-activiteit }}` (names in `CHARTS`). The chart is the one its section
draws (bwklib.report.story); that section then points to it instead of drawing it twice. An unknown
name, a directive sharing its line with text, or a chart placed twice is a validation error.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

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


def place_charts(tokens, chart: Callable[[str], str] | None) -> list:
    """Replace every paragraph that is a chart directive alone by the chart's HTML (or nothing).

    The chart comes from bwk (`chart(name)`), never from the story: Markdown's raw HTML stays
    disabled, and only a paragraph whose whole text is a known directive is replaced.
    """
    out = []
    for block in blocks(tokens):
        name = None
        if block[0].type == "paragraph_open" and block[0].level == 0:
            name = chart_name(block[1].content)
        if name is None:
            out += block
            continue
        html = chart(name) if chart else ""
        if html:
            token = Token("html_block", "", 0)
            token.content = html
            out.append(token)
    return out


def render(text: str, folder: Path | None = None, chart: Callable[[str], str] | None = None) -> str:
    """Render a story to HTML: the document title (#) is dropped, other headings move down a level.

    `folder` is where the story's photos are (data/<year>/stories/); without it no photo is shown.
    `chart(name)` gives the HTML of a chart the story places with `{{ grafiek: <naam> }}`;
    without it a directive shows nothing.
    """
    md = renderer()
    tokens = place_charts(md.parse(separate_charts(text)), chart)
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


CHART = re.compile(r"^\s*grafiek\s*:(?P<name>.*)$", re.S)
CHART_LINE = re.compile(r"^ {0,3}\{\{\s*grafiek\s*:[^{}\n]*\}\}[ \t]*$", re.M)
CHARTS = {
    "deelnemers-per-activiteit": "deelnemers per activiteitsoort",
    "kengetallen": "generieke kengetallen",
    "woningcorporaties": "deelnemers per woningcorporatie",
    "inkomsten": "inkomsten per financier",
    "uitgaven": "uitgaven: begroting en realisatie",
}
"""The charts a story may place, by name, with what they show (the same for a location and a region)."""
CHART_HELP = (
    "zet {{ grafiek: <naam> }} alleen op een eigen regel, bijv. "
    "{{ grafiek: deelnemers-per-activiteit }}; namen: " + ", ".join(CHARTS)
)


@dataclass(frozen=True)
class ChartRef:
    """One `{{ grafiek: ... }}` in a story: the name, its line, and whether it is alone on it."""

    name: str
    line: int
    text: str
    alone: bool


def chart_refs(text: str) -> list[ChartRef]:
    """Every `{{ grafiek: ... }}` of a story, in order, with its line (1-based)."""
    alone = {m.start() + m.group(0).index("{") for m in CHART_LINE.finditer(text)}
    refs = []
    for m in REFERENCE.finditer(text):
        c = CHART.match(m.group(1))
        if c is not None:
            line = text.count("\n", 0, m.start()) + 1
            refs.append(ChartRef(c["name"].strip(), line, m.group(0), m.start() in alone))
    return refs


def placed_charts(text: str) -> set[str]:
    """The names of the charts a story places (known names only)."""
    return {r.name for r in chart_refs(text) if r.name in CHARTS}


def chart_name(paragraph: str) -> str | None:
    """The chart a paragraph of rendered Markdown places, when the paragraph is a directive alone."""
    m = re.fullmatch(r"\s*\{\{(.*?)\}\}\s*", paragraph, re.S)
    c = CHART.match(m.group(1)) if m else None
    name = c["name"].strip() if c else None
    return name if name in CHARTS else None


def separate_charts(text: str) -> str:
    """Blank lines around every directive line, so that each is a paragraph of its own."""
    return CHART_LINE.sub(lambda m: f"\n{m.group(0).strip()}\n", text)


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
        if CHART.match(m.group(1)):
            continue  # a chart, not a figure (chart_refs)
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
        check_charts(text, path, problems)


def check_charts(text: str, path: str, problems: list[Problem]) -> None:
    """Every chart a story places has a known name, stands alone on its line, and appears once."""
    first: dict[str, int] = {}
    for ref in chart_refs(text):
        if ref.name not in CHARTS:
            why = f"'{ref.name}' in '{ref.text}' is geen bekende grafiek; {CHART_HELP}"
        elif not ref.alone:
            why = f"'{ref.text}' staat niet alleen op de regel; {CHART_HELP}"
        elif ref.name in first:
            why = (
                f"'{ref.text}' staat al op regel {first[ref.name]}; een grafiek staat één keer in "
                "het verhaal: laat een van beide weg"
            )
        else:
            first[ref.name] = ref.line
            continue
        problems.append(Problem(path, ref.line, None, None, why))


def bind(text: str, value: Callable[[FigureRef], str]) -> str:
    """The story with every figure reference replaced by `value(ref)` (already formatted).

    Chart directives stay as they are (`render` places the charts).
    """
    refs = iter(figure_refs(text))
    return REFERENCE.sub(
        lambda m: m.group(0) if CHART.match(m.group(1)) else value(next(refs)), text
    )
