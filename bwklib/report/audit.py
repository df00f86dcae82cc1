"""The audit material: formulas beside key figures, published-against-recomputed checks, provenance."""

from __future__ import annotations

from bwklib.build import provenance
from bwklib.compute import consolidation as cons
from bwklib.compute import finance as fin
from bwklib.compute.checks import compute_checks, figure_label
from bwklib.compute.figures import compute_figures
from bwklib.compute.regions import definitions
from bwklib.inputs.loading import YearData
from bwklib.report.formatting import (
    esc,
    format_eur,
    format_figure,
    format_int,
    format_percent,
    html_table,
)
from bwklib.report.html import Html, block


def formulas(data: YearData, scope: str) -> Html:
    """For auditors: each key figure with the formula and the amounts that produced it."""
    if not cons.scope_locations(data, scope):
        return block(
            f'<p class="notice">{esc(cons.scope_name(data, scope))} heeft in {data.year} nog '
            "geen buurtwerkkamers: er is niets te berekenen.</p>"
        )
    table = fin.finance_lines(data, scope)
    figs = fin.key_figures(data, scope)
    labels = definitions(data, "finance_lines", scope).set_index("line")["label"]
    rows = []
    for basis, nl in (("budget", "begroting"), ("actual", "realisatie")):
        inc, exp = figs[("income_total", basis)], figs[("expense_total", basis)]
        rows.append(
            [
                f"Saldo ({nl})",
                f"inkomsten {format_eur(inc)} - uitgaven {format_eur(exp)}",
                format_eur(figs[("balance", basis)]),
            ]
        )
        for r in definitions(data, "key_ratios", scope).itertuples():
            parts, total = fin.ratio_components(data, table, r.ratio, basis, scope)
            terms = " + ".join(f"{labels[k]} {format_eur(v)}" for k, v in parts.items())
            exact = f"{figs[(r.ratio, basis)] * 100:.2f}".replace(".", ",")
            rows.append(
                [
                    f"{r.label} ({nl})",
                    f"({terms}) / totale uitgaven {format_eur(total)}",
                    f"{exact}% ≈ {format_percent(figs[(r.ratio, basis)])}",
                ]
            )
    return block(
        html_table(
            ["Kengetal", "Berekening (bwklib.compute.finance.key_figures)", "Uitkomst"],
            rows,
            numeric={2},
        )
    )


def audit_section(data: YearData, scope: str) -> Html:
    """Every printed figure that the recomputation does not confirm, with both values and places."""
    from bwklib.compute.checks import published_rows

    scopes = cons.scope_locations(data, scope) + ([scope] if cons.is_region(data, scope) else [])
    mine = compute_checks(data, compute_figures(data, scopes), only=scopes)
    units = {(p.scope, f"{p.key}.{p.basis}"): p.unit for p in published_rows(data).itertuples()}
    bad = mine[mine.status != "agrees"]
    counts = mine.status.value_counts()
    summary = (
        f"<p>{format_int(len(mine))} gepubliceerde cijfers opnieuw berekend: "
        f"{format_int(counts.get('agrees', 0))} kloppen, {format_int(counts.get('differs', 0))} "
        f"wijken af en {format_int(counts.get('not_reproducible', 0))} zijn niet na te rekenen.</p>"
    )
    if bad.empty:
        return block(summary)
    rows = []
    units |= {(c.scope, f"{c.key}.{c.basis}"): c.unit for c in data["claims"].itertuples()}
    for c in bad.itertuples():
        unit = units[(c.scope, c.figure)]
        status = "wijkt af" if c.status == "differs" else "niet na te rekenen"
        claim = isinstance(c.reported, str)  # a claim as printed: 'bijna 17', '20-40'
        rows.append(
            [
                cons.scope_name(data, c.scope),
                figure_label(data, c.figure),
                c.source_location,
                c.reported + ("%" if unit == "percent" else "")
                if claim
                else format_figure(c.reported, unit),
                format_figure(c.recomputed, unit),
                status,
                c.note,
            ]
        )
    return block(
        summary,
        html_table(
            [
                "Locatie",
                "Cijfer",
                "Waar in het rapport",
                "Gepubliceerd",
                "Herberekend",
                "Oordeel",
                "Toelichting",
            ],
            rows,
            numeric={3, 4},
        ),
    )


def provenance_block(data: YearData, scope: str) -> Html:
    """Where this report came from: its input data (SHA-256), code commit, package versions.

    For a location the shared per-location tables are hashed over its own rows only, which is
    exactly what the report depends on (see bwklib.build.provenance.input_digests).
    """
    record = provenance.collect(data, {"scope": scope})
    git = record["git"]
    commit = git["commit"] or "onbekend (geen git)"
    state = {True: " (met niet-vastgelegde wijzigingen)", False: "", None: ""}[git["dirty"]]
    versions = ", ".join(f"{k} {v}" for k, v in record["packages"].items())
    params = ", ".join(f"{k} = {v}" for k, v in record["parameters"].items())
    rows = [[name, digest] for name, digest in provenance.input_digests(data, scope).items()]
    return block(
        f"<p><small>Gemaakt met bwk {esc(record['bwk_version'])}, code {esc(commit)}{esc(state)}; "
        f"Python {esc(record['python'])}; {esc(versions)}. Parameters: {esc(params)}.</small></p>",
        "<details><summary><small>Gebruikte gegevens (SHA-256)</small></summary>",
        html_table(["Bestand", "SHA-256"], rows),
        "</details>",
    )
