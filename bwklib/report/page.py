"""The page around a report: ids for its section headings and the short table of contents.

Used as Jinja filters by the bwk nbconvert template (bwklib/report/templates/bwk/index.html.j2):
the contents list is made from the notebook's own level-2 headings after the version's cells were
chosen, so a stakeholder version never lists an audit-only section.
"""

from __future__ import annotations

import html
import re
import unicodedata

HEADING = re.compile(r"<h2>(.*?)</h2>", re.S)


def slug(text: str) -> str:
    """A stable id for a heading: 'Financiële verantwoording' -> 'financiele-verantwoording'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "s-" + (re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "sectie")


def heading_text(fragment: str) -> str:
    """The text of an HTML fragment: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def heading_ids(fragment: str) -> str:
    """Give every <h2> of rendered Markdown an id made from its text."""
    return HEADING.sub(lambda m: f'<h2 id="{slug(heading_text(m[1]))}">{m[1]}</h2>', fragment)


def markdown_headings(nb) -> list[str]:
    """The level-2 headings of a notebook's Markdown cells, in order."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [m[1].strip() for m in re.finditer(r"^## (.+)$", cell.source, re.M)]
    return found


def toc(nb) -> str:
    """A short contents list: one link per level-2 heading of the notebook."""
    items = "".join(
        f'<li><a href="#{slug(h)}">{html.escape(h)}</a></li>' for h in markdown_headings(nb)
    )
    if not items:
        return ""
    return f'<nav class="bwk-toc" aria-label="Inhoud"><p>Inhoud</p><ul>{items}</ul></nav>'


FILTERS = {"bwk_heading_ids": heading_ids, "bwk_toc": toc}
