"""The index page of a year: links to every report and export, the band overview, and failures."""

from __future__ import annotations

from pathlib import Path

from bwklib.compute import consolidation as cons
from bwklib.report.formatting import esc, stylesheet
from bwklib.report.views import audit_section, band_overview


def link(href: str, text: str) -> str:
    """An escaped relative link."""
    return f'<a href="{esc(href)}">{esc(text)}</a>'


def report_links(result) -> str:
    """Links to the stakeholder and audit report of a scope; on failure the error, and the links to
    the previous version when that was kept."""
    scope = result.task.scope
    links = f"{link(f'{scope}.html', 'Rapport')} · {link(f'{scope}-audit.html', 'Auditversie (met code)')}"
    if result.ok:
        return links
    kept = f" De vorige versie blijft beschikbaar: {links}" if result.kept_previous else ""
    return f'<span class="notice">Rapport mislukt: {esc(result.error)}.{kept}</span>'


def write_index(data, out_dir: Path, results) -> Path:
    """Write index.html for a year: regions, their locations, band overview, exports, failures."""
    status = {r.task.scope: r for r in results}
    parts = [
        stylesheet(data["bands"]),
        '<div class="bwk">',
        f"<h1>Evaluatie buurtwerkkamers {data.year}</h1>",
        '<p class="subtitle">Alle rapporten van dit jaar, gemaakt met bwk uit de gegevens in '
        f"data/{data.year}/.</p>",
    ]
    failed = [r for r in results if not r.ok]
    if failed:
        items = "".join(
            f"<li><strong>{esc(cons.scope_name(data, r.task.scope))}</strong> "
            f"({esc(r.task.kind)}): {esc(r.error)}</li>"
            for r in failed
        )
        parts.append(f'<div class="notice"><h2>Niet gelukt</h2><ul>{items}</ul></div>')
    for region in data["regions"].itertuples():
        r = status.get(region.region)
        parts.append(f"<h2>{esc(region.title)}</h2>")
        parts.append(f"<p>Geconsolideerd rapport: {report_links(r)}</p>")
        rows = []
        for loc in cons.scope_locations(data, region.region):
            lr = status.get(loc)
            rows.append(
                f"<tr><td>{esc(cons.scope_name(data, loc))}</td><td>{report_links(lr)}</td></tr>"
            )
        parts.append(
            '<div class="bwk-scroll"><table class="bwk-table"><thead><tr><th>Buurtwerkkamer</th><th>Rapporten</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
        parts.append("<h3>Aantal indicatoren per kleur</h3>")
        parts.append(band_overview(data, region.region))
        parts.append("<h3>Controle van de gepubliceerde cijfers</h3>")
        parts.append(audit_section(data, region.region))
    parts.append(
        "<h2>Gegevens om na te rekenen</h2><ul>"
        f"<li>{link('scores.csv', 'scores.csv')}: per locatie en indicator de realisatie, "
        "streefwaarde, score en kleur</li>"
        f"<li>{link('figures.csv', 'figures.csv')}: elk berekend cijfer met de functie en "
        "de gegevensbestanden waar het uit komt</li>"
        f"<li>{link('checks.csv', 'checks.csv')}: elk gepubliceerd cijfer naast de herberekening</li>"
        f"<li>{link('provenance.json', 'provenance.json')}: de gebruikte gegevens (SHA-256), "
        "de versie van de code en van de pakketten</li></ul></div>"
    )
    html = (
        '<!DOCTYPE html>\n<html lang="nl"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>Evaluatie buurtwerkkamers {data.year}</title></head><body>"
        + "".join(parts)
        + "</body></html>\n"
    )
    path = Path(out_dir) / "index.html"
    path.write_text(html, encoding="utf-8")
    return path
