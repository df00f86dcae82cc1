"""A synthetic second region, Amsterdam Zuidoost, added to a year of data by rows only.

Its own funder (Gemeente Amsterdam, stadsdeel Zuidoost), housing corporations (Rochdale, Ymere,
Eigen Haard, Stadgenoot), activity type (naaiatelier) and indicator; a location without results
(De Handreiking) and a negative balance. The figures are made up; tests compute the expected totals
from these rows themselves.
"""

from __future__ import annotations

import csv
from pathlib import Path

REGION = "amsterdam-zuidoost"
REGION_ROW = {
    "region": REGION,
    "name": "Amsterdam Zuidoost",
    "title": "Buurtwerkkamers Amsterdam Zuidoost",
    "organisation": "BuurtWerkKamer Coöperatie",
}
LOCATIONS = [
    {
        "location": "casa-jepie-makandra",
        "region": REGION,
        "name": "Casa Jepie Makandra",
        "neighbourhood": "Holendrecht",
        "results_registered": "true",
        "note": "",
    },
    {
        "location": "multibron",
        "region": REGION,
        "name": "MultiBron",
        "neighbourhood": "Bijlmer-Centrum",
        "results_registered": "true",
        "note": "",
    },
    {
        "location": "de-handreiking",
        "region": REGION,
        "name": "De Handreiking",
        "neighbourhood": "Gaasperdam",
        "results_registered": "false",
        "note": "De Handreiking is in het najaar begonnen; er zijn nog geen resultaten geregistreerd.",
    },
]
REGISTERED = ["casa-jepie-makandra", "multibron"]
DEFINITIONS = {
    "finance_lines": [
        {
            "line": "gemeente-amsterdam-zuidoost",
            "kind": "income",
            "label": "Gemeente Amsterdam, stadsdeel Zuidoost",
            "chart_label": "Stadsdeel Zuidoost",
            "region": REGION,
        }
    ],
    "housing_corporations": [
        {"housing_corporation": c, "label": label, "kind": "corporatie", "region": REGION}
        for c, label in (
            ("rochdale", "Rochdale"),
            ("ymere", "Ymere"),
            ("eigen-haard", "Eigen Haard"),
            ("stadgenoot", "Stadgenoot"),
        )
    ],
    "activity_types": [
        {
            "activity_type": "naaiatelier",
            "label": "Naaiatelier Zuidoost",
            "chart_label": "Naaiatelier Zuidoost",
            "region": REGION,
        }
    ],
    "indicators": [
        {
            "indicator": "naaiatelier",
            "section": "PROCES",
            "label": "Naaiatelier Zuidoost: deelnemers die samen kleding maken en herstellen",
            "unit": "Uniek #",
            "measure": "activity:naaiatelier",
            "region": REGION,
        }
    ],
}
FUNDERS = ["Gemeente Amsterdam, stadsdeel Zuidoost"]
CORPORATIONS = ["Rochdale", "Ymere", "Eigen Haard", "Stadgenoot"]

# Shared finance lines (every region) of the 2019 definitions, with per location (budget, actual).
INCOME = {
    "gemeente-amsterdam-zuidoost": {
        "casa-jepie-makandra": (60000, 58000),
        "multibron": (45000, 45000),
        "de-handreiking": (20000, 12000),
    },
    "werk-en-inkomen": {
        "casa-jepie-makandra": (8000, 7500),
        "multibron": (5000, 4200),
        "de-handreiking": (0, 0),
    },
    "woningcorporaties": {
        "casa-jepie-makandra": (9000, 6000),
        "multibron": (6000, 6000),
        "de-handreiking": (3000, 0),
    },
    "particuliere-fondsen": {
        "casa-jepie-makandra": (4000, 2500),
        "multibron": (0, 1500),
        "de-handreiking": (0, 0),
    },
    "overige-inkomsten": {
        "casa-jepie-makandra": (1000, 850),
        "multibron": (500, 640),
        "de-handreiking": (0, 0),
    },
}
EXPENSE_LINES = [
    "ondersteunen-coordineren",
    "coachen",
    "werkplekken-sr",
    "participatieplekken-sr",
    "administratie",
    "communicatie",
    "handgeld-training",
    "huisvesting",
    "inventaris-overig",
]
EXPENSE_BASE = {"casa-jepie-makandra": 4500, "multibron": 3400, "de-handreiking": 900}

RESULTS = {  # indicator -> (result, target) for casa-jepie-makandra; multibron gets other values
    "sleutelhouders": ("12", "15"),
    "actieve-vrijwilligers": ("22", "20"),
    "actieve-vrijwilligersgroepen": ("6", "8"),
    "leden-bewonersvereniging": ("40", "100"),
    "doorverwezen-bewoners": ("9", "10"),
    "stageplaatsen": ("3", "5 op 10"),
    "nieuwe-bewoners": ("11", "5"),
    "betaald-werk": ("2", "> 0"),
    "sociale-ontmoeting": ("310", "250"),
    "klussen": ("45", "60"),
    "computervaardigheid": ("20", "25"),
    "taalverwerving": ("64", "50"),
    "formulieren": ("120", "80"),
    "schuldhulptoeleiding": ("14", "20"),
    "sollicitatiebegeleiding": ("7", "10"),
    "unieke-deelnemers": ("380", "400"),
    "besteding-budget": ("- 4.630", "0"),
    "verantwoorde-besteding": ("Positief", "Positief"),
    "inzet-medewerkers": ("> 8", "> 8"),
    "overleg-partners": ("6", "4"),
    "naaiatelier": ("18", "12"),
}
ACTIVITY = {
    "casa-jepie-makandra": {
        "sociaal-ontmoeting": 310,
        "klussen": 45,
        "taalverwerving": 64,
        "computervaardigheden": 20,
        "formulieren": 120,
        "naaiatelier": 18,
    },
    "multibron": {
        "sociaal-ontmoeting": 205,
        "taalverwerving": 88,
        "formulieren": 61,
        "naaiatelier": 27,
    },
}
GENERIC = {
    "casa-jepie-makandra": {
        "deelnemers": 380,
        "actieve-vrijwilligers": 22,
        "sleutelhouders": 12,
        "actieve-groepen": 6,
    },
    "multibron": {
        "deelnemers": 251,
        "actieve-vrijwilligers": 17,
        "sleutelhouders": 9,
        "actieve-groepen": 4,
        "doorverwijzingen": 13,
    },
}
HOUSING = {
    "casa-jepie-makandra": {
        "rochdale": 120,
        "ymere": 95,
        "eigen-haard": 40,
        "particulier-koop": 35,
    },
    "multibron": {"ymere": 60, "stadgenoot": 44, "eigen-haard": 31, "particulier-koop": 20},
}
VOLUNTEER_HOURS = {"hours": "5200", "hourly_rate": "15", "published_value": ""}


def read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def append(path: Path, rows: list[dict]) -> None:
    """Append rows to a CSV file in its own column order (missing cells empty)."""
    header, _ = read(path)
    with open(path, "a", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n", restval="")
        writer.writerows(rows)


def result_rows(location: str) -> list[dict]:
    rows = []
    for indicator, (result, target) in RESULTS.items():
        if location == "multibron" and result.isdigit():
            result = str(int(result) * 3 // 4)
        rows.append(
            {"location": location, "indicator": indicator, "result": result, "target": target}
        )
    return rows


def finance_rows() -> list[dict]:
    rows = []
    for loc in [loc["location"] for loc in LOCATIONS]:
        for line, amounts in INCOME.items():
            budget, actual = amounts[loc]
            rows.append(
                {"location": loc, "line": line, "budget": budget, "actual": actual, "note": ""}
            )
        for i, line in enumerate(EXPENSE_LINES):
            base = EXPENSE_BASE[loc]
            budget, actual = base * (i % 3 + 1), base * (i % 3 + 1) + 700 * (i % 2)
            rows.append(
                {"location": loc, "line": line, "budget": budget, "actual": actual, "note": ""}
            )
    return rows


def figure_rows() -> dict[str, list[dict]]:
    """The figures of the region as the per-location tables hold them (resource -> rows)."""
    return {
        "results": [r for loc in REGISTERED for r in result_rows(loc)],
        "participants_activity": [
            {"location": loc, "activity_type": a, "participants": n, "note": ""}
            for loc, counts in ACTIVITY.items()
            for a, n in counts.items()
        ],
        "generic_counts": [
            {"location": loc, "measure": m, "value": n, "note": ""}
            for loc, counts in GENERIC.items()
            for m, n in counts.items()
        ],
        "participants_housing": [
            {"location": loc, "housing_corporation": h, "participants": n, "note": ""}
            for loc, counts in HOUSING.items()
            for h, n in counts.items()
        ],
        "finance": finance_rows(),
    }


def add_definitions(year_dir: Path) -> None:
    """The region's row and its own definitions (appended to the definition files)."""
    append(year_dir / "regions.csv", [REGION_ROW])
    for name, rows in DEFINITIONS.items():
        append(year_dir / f"{name}.csv", rows)


def add_region(year_dir: Path) -> None:
    """Add the whole region to a complete year folder, by appending rows only."""
    add_definitions(year_dir)
    append(year_dir / "locations.csv", LOCATIONS)
    for name, rows in figure_rows().items():
        append(year_dir / f"{name}.csv", rows)
    path = year_dir / "volunteer_hours.csv"
    if path.exists():
        append(path, [{"scope": REGION, **VOLUNTEER_HOURS, "source_location": "", "note": ""}])
