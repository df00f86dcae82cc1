"""A corpus of malformed inputs: each gives one message naming file, row and column, exit 1,
no traceback, and leaves output/ untouched."""

import hashlib
import re
from pathlib import Path

import pytest

from bwklib.cli import main


def replace(file, old, new):
    def mutate(data: Path):
        path = data / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return mutate


def append(file, line):
    def mutate(data: Path):
        path = data / file
        path.write_text(path.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")

    return mutate


def write_bytes(file, content: bytes | None = None, transform=None):
    def mutate(data: Path):
        path = data / file
        path.write_bytes(transform(path.read_bytes()) if transform else content)

    return mutate


def delete(file):
    return lambda data: (data / file).unlink()


# (id, mutation, expected fragments of the message: file, row, column, what)
CORPUS = [
    (
        "letter-in-count",
        replace("2019/participants_activity.csv", "top,klussen,103", "top,klussen,1O3"),
        ["participants_activity.csv", "rij 3", "kolom 'participants'", "geheel getal"],
    ),
    (
        "negative-count",
        replace("2019/participants_housing.csv", "top,mitros,258", "top,mitros,-258"),
        ["participants_housing.csv", "rij 2", "kolom 'participants'", "minstens 0"],
    ),
    (
        "negative-amount",
        replace("2019/finance.csv", "top,coachen,23424", "top,coachen,-23424"),
        ["finance.csv", "rij 9", "kolom 'budget'", "minstens 0"],
    ),
    (
        "decimal-comma",
        replace("config/bands.csv", ",0.2,false,", ",0,2,false,"),
        ["bands.csv", "rij 2"],
    ),
    (
        "decimal-in-count",
        replace(
            "2019/generic_counts.csv",
            "top,actieve-vrijwilligers,41",
            "top,actieve-vrijwilligers,41.5",
        ),
        ["generic_counts.csv", "rij 3", "kolom 'value'", "geheel getal"],
    ),
    (
        "euro-sign",
        replace("2019/finance.csv", "top,gemeente-spdo,59000", "top,gemeente-spdo,€ 59000"),
        ["finance.csv", "rij 2", "kolom 'budget'", "€-teken"],
    ),
    (
        "thousands-dots",
        replace("2019/finance.csv", "top,gemeente-spdo,59000", "top,gemeente-spdo,59.000"),
        ["finance.csv", "rij 2", "kolom 'budget'", "zonder punten"],
    ),
    (
        "empty-required-cell",
        replace("2019/generic_counts.csv", "top,statushouders,11", "top,statushouders,"),
        ["generic_counts.csv", "rij 7", "kolom 'value'", "verplichte waarde"],
    ),
    (
        "empty-id",
        replace("2019/finance.csv", "top,inventaris-overig", ",inventaris-overig"),
        ["finance.csv", "kolom 'location'", "verplichte waarde"],
    ),
    (
        "unknown-location",
        replace("2019/finance.csv", "de-klop,huisvesting", "de-klob,huisvesting"),
        ["finance.csv", "kolom 'location'", "'de-klob'", "onbekend"],
    ),
    (
        "unknown-indicator",
        replace("2019/results.csv", "top,klussen,103", "top,klusjes,103"),
        ["results.csv", "kolom 'indicator'", "'klusjes'"],
    ),
    (
        "unknown-housing-corporation",
        replace("2019/participants_housing.csv", "top,ssh,28", "top,ymere,28"),
        ["participants_housing.csv", "kolom 'housing_corporation'", "'ymere'"],
    ),
    (
        "duplicate-location",
        append("2019/locations.csv", "top,utrecht,TOP bis,Ondiep,true,"),
        ["locations.csv", "rij 6", "dubbele regel", "rij 2"],
    ),
    (
        "duplicate-row",
        append("2019/finance.csv", "top,coachen,23424,19424,"),
        ["finance.csv", "rij 62", "dubbele regel"],
    ),
    (
        "missing-column",
        replace("2019/generic_counts.csv", "location,measure,value,note", "location,measure,note"),
        ["generic_counts.csv", "rij 1", "kolom 'value'", "ontbreekt"],
    ),
    (
        "renamed-column",
        replace(
            "2019/finance.csv",
            "location,line,budget,actual,note",
            "location,line,begroting,actual,note",
        ),
        ["finance.csv", "rij 1", "kolom 'budget'", "ontbreekt"],
    ),
    (
        "extra-column",
        replace(
            "2019/regions.csv",
            "region,name,title,organisation",
            "region,name,title,organisation,extra",
        ),
        ["regions.csv", "rij 1", "kolom 'extra'", "onbekende kolom"],
    ),
    (
        "too-few-cells",
        append("2019/generic_counts.csv", "top,stages"),
        ["generic_counts.csv", "rij 23", "cellen verwacht"],
    ),
    (
        "wrong-encoding",
        write_bytes("2019/finance.csv", transform=lambda b: b.decode("utf-8").encode("latin-1")),
        ["finance.csv", "geen UTF-8"],
    ),
    (
        "byte-order-mark",
        write_bytes("2019/results.csv", transform=lambda b: b"\xef\xbb\xbf" + b),
        ["results.csv", "byte-order mark"],
    ),
    ("empty-file", write_bytes("2019/indicators.csv", b""), ["indicators.csv", "leeg"]),
    ("missing-file", delete("2019/finance_lines.csv"), ["finance_lines.csv", "ontbreekt"]),
    (
        "unparseable-target",
        replace("2019/results.csv", "top,sleutelhouders,29,20", "top,sleutelhouders,29,ca. 20"),
        ["results.csv", "rij 2", "kolom 'target'", "'ca. 20'"],
    ),
    (
        "unparseable-result",
        replace("2019/results.csv", "top,klussen,103,50", "top,klussen,honderd,50"),
        ["results.csv", "kolom 'result'", "'honderd'"],
    ),
    (
        "bad-boolean",
        replace("2019/locations.csv", "top,utrecht,TOP,Ondiep,true", "top,utrecht,TOP,Ondiep,ja"),
        ["locations.csv", "rij 2", "kolom 'results_registered'", "true of false"],
    ),
    (
        "bad-id",
        replace("2019/locations.csv", "top,utrecht,TOP", "Top Ondiep,utrecht,TOP"),
        ["locations.csv", "rij 2", "kolom 'location'", "kleine letters"],
    ),
    (
        "path-in-id",
        replace("2019/locations.csv", "top,utrecht,TOP", "../top,utrecht,TOP"),
        ["locations.csv", "rij 2", "kolom 'location'"],
    ),
    (
        "results-for-unregistered",
        append("2019/generic_counts.csv", "de-klop,stages,2,"),
        ["generic_counts.csv", "rij 23", "results_registered"],
    ),
    (
        "missing-finance-line",
        replace(
            "2019/finance.csv",
            "top,communicatie,2184,3089,Extra flyers/nieuwsbrieven ingezet\n",
            "",
        ),
        ["finance.csv", "kolom 'line'", "communicatie"],
    ),
    (
        "legend-gap",
        replace("config/bands.csv", "0.4,true,0.8,false", "0.45,true,0.8,false"),
        ["bands.csv", "kolom 'lower'"],
    ),
    (
        "unknown-band-colour",
        replace("config/bands.csv", "#ef3b2c", "red"),
        ["bands.csv", "rij 2", "kolom 'colour'"],
    ),
    (
        "ratio-line-not-expense",
        append("2019/key_ratio_lines.csv", "sroi_share,gemeente-spdo"),
        ["key_ratio_lines.csv", "rij 11", "uitgavenregel"],
    ),
    (
        "story-not-utf8",
        write_bytes("2019/stories/top.md", "Caf\xe9".encode("latin-1")),
        ["top.md", "geen UTF-8"],
    ),
    (
        "story-unknown-scope",
        write_bytes("2019/stories/onbekend.md", b"# x\n"),
        ["onbekend.md", "geen locatie- of regio-id"],
    ),
    (
        "broken-datapackage",
        write_bytes("datapackage.json", b"{"),
        ["datapackage.json", "geen geldige JSON"],
    ),
    (
        "quoted-comma-missing",
        append("2019/finance_lines.csv", "extra,income,Label, met komma,Label"),
        ["finance_lines.csv", "rij 17", "aanhalingstekens"],
    ),
]


def tree(folder: Path) -> dict:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")  # the year lock is no output
    }


@pytest.fixture
def output(tmp_path):
    """An output folder holding a previous year's (fake) reports that must survive."""
    out = tmp_path / "output"
    (out / "2019" / "notebooks").mkdir(parents=True)
    (out / "2019" / "index.html").write_text("vorige versie", encoding="utf-8")
    (out / "2019" / "notebooks" / "top.ipynb").write_text("{}", encoding="utf-8")
    return out


def test_corpus_is_large_and_varied():
    assert len(CORPUS) >= 30
    files = {f for _, _, expected in CORPUS for f in expected[:1]}
    assert len(files) >= 12


def check(mutate, expected, command, data_copy, output, capsys):
    mutate(data_copy)
    before = tree(output)
    code = main(
        ["--data-dir", str(data_copy), "--output-dir", str(output), command, "--year", "2019"]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert re.search(r"\d+ (probleem|problemen) gevonden", err)
    assert tree(output) == before


@pytest.mark.parametrize("name, mutate, expected", CORPUS, ids=[c[0] for c in CORPUS])
def test_validate(name, mutate, expected, data_copy, output, capsys):
    check(mutate, expected, "validate", data_copy, output, capsys)


END_TO_END = [c for c in CORPUS if c[0] in ("letter-in-count", "missing-file", "story-not-utf8")]


@pytest.mark.parametrize("command", ["export", "run"])
@pytest.mark.parametrize("name, mutate, expected", END_TO_END, ids=[c[0] for c in END_TO_END])
def test_export_and_run_refuse_too(name, mutate, expected, command, data_copy, output, capsys):
    check(mutate, expected, command, data_copy, output, capsys)


def test_year_folder_that_does_not_exist(data_copy, output, capsys):
    code = main(
        ["--data-dir", str(data_copy), "--output-dir", str(output), "run", "--year", "2031"]
    )
    err = capsys.readouterr().err
    assert code == 1 and "2031" in err and "beschikbare jaren: 2019" in err


def test_data_folder_that_does_not_exist(tmp_path, output, capsys):
    code = main(["--data-dir", str(tmp_path / "nergens"), "--output-dir", str(output), "run"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and "de map met gegevens bestaat niet" in err
