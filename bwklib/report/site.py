"""The index page of a year: per region its reports, band overview and key figures, and failures.

Rendered from a Jinja2 template (templates/site/index.html.j2) with autoescaping on, so any text
that comes from data is escaped by the template; only table fragments that bwk's views built (and
escaped) are passed in as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bwklib import paths
from bwklib.compute import consolidation as cons
from bwklib.compute import finance as fin
from bwklib.report.formatting import (
    esc,
    format_eur,
    format_int,
    format_percent,
    html_table,
    stylesheet,
)
from bwklib.report.views import band_overview

EXPORTS = [
    ("scores.csv", "per locatie en indicator de realisatie, streefwaarde, score en kleur"),
    ("figures.csv", "elk berekend cijfer met de functie en de gegevensbestanden waar het uit komt"),
    ("checks.csv", "elk gepubliceerd cijfer naast de herberekening"),
    (
        "provenance.json",
        "de gebruikte gegevens (SHA-256), de versie van de code en van de pakketten",
    ),
]
# Key figures per location and region: (Dutch heading, generic measure or finance key, format).
KEY_FIGURES = [
    ("Deelnemers", "generic:deelnemers", format_int),
    ("Actieve vrijwilligers", "generic:actieve-vrijwilligers", format_int),
    ("Uitgaven", "finance:expense_total", format_eur),
    ("Saldo", "finance:balance", format_eur),
    ("SROI", "finance:sroi_share", format_percent),
]


def link(href: str, text: str) -> str:
    """An escaped relative link."""
    return f'<a href="{esc(href)}">{esc(text)}</a>'


@dataclass
class Report:
    """One scope's entry on the index: its name and how its reports went."""

    scope: str
    name: str
    result: object  # TaskResult, or None when the scope was not built

    def links(self, name: str):
        """Links to the stakeholder and audit report; on failure the error, and the kept links."""
        from markupsafe import Markup

        main = link(f"{self.scope}.html", name)
        audit = link(f"{self.scope}-audit.html", "auditversie")
        links = f"{main} ({audit})"
        r = self.result
        if r is None or r.ok:
            return Markup(links)
        kept = f" De vorige versie blijft beschikbaar: {links}." if r.kept_previous else ""
        return Markup(
            f'{esc(name)}: <span class="notice">rapport mislukt: {esc(r.error)}.{kept}</span>'
        )


def key_figure(data, scope: str, key: str):
    """One key figure of a scope (None when the scope has none, e.g. no registration)."""
    kind, name = key.split(":", 1)
    if kind == "generic":
        if not cons.has_registration(data, scope):
            return None
        return cons.generic_totals(data, scope).get(name)
    return fin.key_figures(data, scope)[(name, "actual")]


def key_figures_table(data, region: str) -> str:
    """The region's key figures: one row per location and one for the region as a whole."""
    scopes = [*cons.scope_locations(data, region), region]
    rows = [
        [
            cons.scope_name(data, s) if s != region else f"Regio {cons.scope_name(data, s)}",
            *(fmt(key_figure(data, s, key)) for _, key, fmt in KEY_FIGURES),
        ]
        for s in scopes
    ]
    classes = [[""] * (len(KEY_FIGURES) + 1) for _ in rows[:-1]] + [
        ["total"] * (len(KEY_FIGURES) + 1)
    ]
    return html_table(
        ["Buurtwerkkamer", *(h for h, _, _ in KEY_FIGURES)],
        rows,
        classes,
        numeric=set(range(1, len(KEY_FIGURES) + 1)),
    )


def render_index(data, results) -> str:
    """The index page as HTML."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup

    status = {r.task.scope: r for r in results}
    regions = []
    for region in data["regions"].itertuples():
        scopes = [region.region, *cons.scope_locations(data, region.region)]
        names = [f"Regio {region.name} (alle buurtwerkkamers samen)"] + [
            f"Buurtwerkkamer {cons.scope_name(data, s)}" for s in scopes[1:]
        ]
        regions.append(
            {
                "id": region.region,
                "title": region.title,
                "reports": [
                    Report(s, n, status.get(s)) for s, n in zip(scopes, names, strict=True)
                ],
                "bands": Markup(band_overview(data, region.region)),
                "figures": Markup(key_figures_table(data, region.region)),
            }
        )
    failed = [
        {"name": cons.scope_name(data, r.task.scope), "error": r.error} for r in results if not r.ok
    ]
    env = Environment(
        loader=FileSystemLoader(paths.TEMPLATE_DIR / "site"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        keep_trailing_newline=True,
    )
    css = (paths.TEMPLATE_DIR / "bwk" / "static" / "bwk.css").read_text(encoding="utf-8")
    return env.get_template("index.html.j2").render(
        year=data.year,
        css=Markup(css),
        band_css=Markup(stylesheet(data["bands"])),
        failed=failed,
        regions=regions,
        exports=EXPORTS,
    )


def write_index(data, out_dir: Path, results) -> Path:
    """Write index.html for a year: per region its reports, band overview and key figures."""
    path = Path(out_dir) / "index.html"
    path.write_text(render_index(data, results), encoding="utf-8")
    return path
