"""output/<year>/datapackage.json: a Frictionless Data Package describing the exports.

Every export file and column is described; the figure keys of figures.csv are documented from the one
registry in bwklib.compute.keys (formula, numerator, denominator, unit). The CSV files carry their
SHA-256 and size, so the package also says which exact files it describes.
"""

from __future__ import annotations

from pathlib import Path

from bwklib.build.provenance import sha256
from bwklib.compute.keys import key_docs

DIALECT = {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "header": True}
MISSING = [""]


def field(name: str, type_: str, description: str, **constraints) -> dict:
    """One Table Schema field."""
    out = {"name": name, "type": type_, "description": description}
    if constraints:
        out["constraints"] = constraints
    return out


def score_fields(data) -> list[dict]:
    """The columns of scores.csv."""
    return [
        field("year", "integer", "Report year", required=True),
        field("location", "string", "Location id (locations.csv)", required=True),
        field("indicator", "string", "Indicator id (indicators.csv)", required=True),
        field("label", "string", "Dutch label of the indicator, as printed"),
        field("section", "string", "Section id of the indicator (indicator_sections.csv)"),
        field("result", "string", "The registered result, as typed (results.csv)"),
        field("target", "string", "The target of the agreement, as typed (results.csv)"),
        field(
            "achievement",
            "number",
            "result / target at full precision (empty when the rule does not compute one)",
        ),
        field(
            "band",
            "string",
            "Colour band (bands.csv); empty when the indicator is not scored",
            enum=[*data["bands"].band, ""],
        ),
        field(
            "rule",
            "string",
            "The scoring rule applied (data/config/scoring_rules.csv: method and explanation)",
            enum=list(data["scoring_rules"].rule),
        ),
        field("source", "string", "The bwklib function and the data files the score comes from"),
    ]


def figure_fields() -> list[dict]:
    """The columns of figures.csv."""
    return [
        field("year", "integer", "Report year", required=True),
        field("scope", "string", "Location id or region id", required=True),
        field(
            "key",
            "string",
            "Figure key; documented in this resource's figureKeys (formula, numerator, "
            "denominator, unit). <id> placeholders are ids from the named data file.",
            required=True,
        ),
        field(
            "basis",
            "string",
            "budget or actual; variance = actual - budget (the 'Verschil' column of the finance "
            "table); published = an amount taken from the source that bwk cannot recompute",
            enum=["budget", "actual", "variance", "published"],
        ),
        field(
            "value",
            "number",
            "The value at full precision (fractions, not percentages); empty when undefined "
            "(a share of a zero total)",
        ),
        field(
            "unit",
            "string",
            "eur (whole euros), count, or fraction (0.25 is printed as 25%)",
            enum=["eur", "count", "fraction"],
        ),
        field("source", "string", "The bwklib function and the data files the figure comes from"),
    ]


def check_fields() -> list[dict]:
    """The columns of checks.csv."""
    return [
        field("year", "integer", "Report year", required=True),
        field("scope", "string", "Location id or region id the printed figure is about"),
        field(
            "figure", "string", "<key>.<basis> of figures.csv (or of a claim), e.g. balance.actual"
        ),
        field("source_location", "string", "Where the figure is printed in the published report"),
        field(
            "reported",
            "string",
            "The value as printed (a number; percent for percentages), or for a claim of "
            "claims.csv the claim as printed: 'ca. 3', 'bijna 17', '60-80' (a range), '> 120'",
        ),
        field(
            "recomputed",
            "number",
            "bwk's value in the same unit, at full precision; empty when not reproducible",
        ),
        field(
            "status",
            "string",
            "agrees (equal after rounding as printed), differs, or not_reproducible",
            enum=["agrees", "differs", "not_reproducible"],
        ),
        field(
            "note",
            "string",
            "For differs the cause: 'afronding in de bron' (the source's rounding), 'gedocumenteerde "
            "keuze' (a value chosen where the source contradicts itself, data/README.md) or "
            "'onverklaard'; for a claim its reading(s) and outcome",
        ),
    ]


def csv_resource(name: str, path: Path, title: str, description: str, fields: list[dict]) -> dict:
    """A tabular data resource, with the hash and size of the file when it exists."""
    out = {
        "name": name,
        "path": path.name,
        "profile": "tabular-data-resource",
        "title": title,
        "description": description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": DIALECT,
        "schema": {"fields": fields, "missingValues": MISSING},
    }
    return with_hash(out, path)


def with_hash(resource: dict, path: Path) -> dict:
    """The resource with the size and SHA-256 of its file, when the file exists."""
    if path.exists():
        resource["bytes"] = path.stat().st_size
        resource["hash"] = f"sha256:{sha256(path)}"
    return resource


def describe(data, out_dir: Path | None = None) -> dict:
    """The data package of a year's exports (hashes included for the files present in out_dir)."""
    out_dir = Path(out_dir) if out_dir is not None else Path("/nonexistent")
    figures = csv_resource(
        "figures",
        out_dir / "figures.csv",
        "Computed figures",
        "Every figure the reports show, per scope, key and basis, at full precision.",
        figure_fields(),
    )
    figures["figureKeys"] = [d.as_dict() for d in key_docs(data)]
    return {
        "profile": "data-package",
        "name": f"bwk-{data.year}",
        "title": f"BuurtWerkKamers {data.year}: exports of bwk",
        "description": (
            "The machine-readable outputs of one year: scores against targets, every computed "
            "figure, the published figures checked against the recomputation, and provenance. "
            "Figure keys are documented in resources[figures].figureKeys."
        ),
        "resources": [
            csv_resource(
                "scores",
                out_dir / "scores.csv",
                "Results against targets",
                "One row per location and indicator: result, target, achievement and band, with "
                "the scoring rule applied.",
                score_fields(data),
            ),
            figures,
            csv_resource(
                "checks",
                out_dir / "checks.csv",
                "Published figures checked",
                "Every figure and claim printed in the published report, with bwk's value and a "
                "status.",
                check_fields(),
            ),
            with_hash(
                {
                    "name": "provenance",
                    "path": "provenance.json",
                    "profile": "data-resource",
                    "title": "Provenance",
                    "description": (
                        "What the outputs were made from: SHA-256 of every data file read (earlier "
                        "years included), the lock file, the code commit and package versions."
                    ),
                    "format": "json",
                    "mediatype": "application/json",
                    "encoding": "utf-8",
                },
                out_dir / "provenance.json",
            ),
        ],
    }
