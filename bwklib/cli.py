"""The `bwk` command: run, export, validate, new-year, import.

Messages are Dutch; data problems never show a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bwklib import paths
from bwklib.errors import DataError, RunError, os_error_message


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"verwacht een geheel getal groter dan 0, niet {text!r}")
    return int(text)


def positive_seconds(text: str) -> float:
    """argparse type: a number of seconds above 0 (a decimal comma is fine)."""
    try:
        seconds = float(text.replace(",", "."))
    except ValueError:
        seconds = 0.0
    if not (0 < seconds < float("inf")):
        raise argparse.ArgumentTypeError(
            f"verwacht een aantal seconden groter dan 0, niet {text!r}"
        )
    return seconds


def year_arg(text: str) -> int:
    """argparse type: a four-digit year (validated before it becomes a path)."""
    if not paths.is_year_name(text):
        raise argparse.ArgumentTypeError(
            f"verwacht een jaartal van vier cijfers (bijv. 2019), niet {text!r}"
        )
    return int(text)


def parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    p = argparse.ArgumentParser(
        prog="bwk", description="Evaluatierapporten van de buurtwerkkamers."
    )
    p.add_argument("--data-dir", type=Path, default=paths.DATA_DIR, help="map met de gegevens")
    p.add_argument("--output-dir", type=Path, default=paths.OUTPUT_DIR, help="map voor de uitvoer")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="alle rapporten van een jaar maken")
    r.add_argument("--year", type=year_arg, help="jaar (standaard: het laatste jaar in data/)")
    r.add_argument(
        "--jobs", type=positive_int, help="aantal parallelle processen (standaard: aantal kernen)"
    )
    r.add_argument(
        "--force", action="store_true", help="alle rapporten opnieuw maken, ook ongewijzigde"
    )
    r.add_argument(
        "--pdf", action="store_true", help="ook PDF's van de rapporten maken (vraagt om Chromium)"
    )
    r.add_argument(
        "--notebook-dir",
        type=Path,
        default=paths.NOTEBOOK_DIR,
        help="map met de notebooks locatie.ipynb en regio.ipynb (standaard: notebooks/)",
    )
    r.add_argument(
        "--timeout",
        type=positive_seconds,
        help="seconden die één notebook mag duren (standaard: BWK_TIMEOUT of 600)",
    )
    r.add_argument(
        "--watch",
        action="store_true",
        help="na de run blijven kijken: bij elke opgeslagen wijziging in de gegevens of notebooks "
        "opnieuw bouwen, met de kernels al gestart (stoppen met Ctrl-C)",
    )
    r.add_argument(
        "--timings",
        action="store_true",
        help="per rapport tonen waar de tijd heen gaat (kernel, gegevens, grafieken, HTML)",
    )
    e = sub.add_parser(
        "export",
        help="scores.csv, figures.csv, checks.csv, provenance.json en datapackage.json schrijven",
    )
    e.add_argument("--year", type=year_arg, help="jaar (standaard: het laatste jaar in data/)")
    v = sub.add_parser(
        "validate",
        help="de gegevens van een jaar controleren (de invoerwerkmap als die nieuwer is)",
    )
    v.add_argument("--year", type=year_arg, help="jaar (standaard: het laatste jaar in data/)")
    n = sub.add_parser(
        "new-year", help="een nieuw jaar beginnen: jaarmap met definities en invoerwerkmap"
    )
    n.add_argument("year", type=year_arg, help="het nieuwe jaar, bijv. 2020")
    n.add_argument(
        "--region",
        help="alleen deze regio (standaard: alle regio's); bestaat het jaar al voor andere "
        "regio's, dan komt deze regio erbij met een eigen werkmap",
    )
    n.add_argument(
        "--name", help="naam van een regio die dit jaar begint, bijv. 'Amsterdam Zuidoost'"
    )
    n.add_argument(
        "--title",
        help="titel van de rapporten van een regio die dit jaar begint, "
        "bijv. 'Buurtwerkkamers Amsterdam Zuidoost'",
    )
    n.add_argument(
        "--organisation",
        help="organisatie van een regio die dit jaar begint (standaard: die van de andere regio's)",
    )
    n.add_argument(
        "--from",
        dest="from_year",
        type=year_arg,
        help="het jaar waaruit definities en streefwaarden komen (standaard: het laatste jaar)",
    )
    i = sub.add_parser(
        "import", help="een ingevulde invoerwerkmap controleren en als CSV-bestanden inlezen"
    )
    i.add_argument("workbook", type=Path, help="de werkmap, bijv. data/2020/invoer-2020.xlsx")
    return p


def cmd_run(args) -> int:
    """Build every report; exit 1 when a report failed.

    First the fast path: when no input file, notebook, source file, package or parameter changed
    since the last complete run and its output is intact, stop before importing pandas.
    """
    from bwklib.build import fastpath

    if args.watch:
        return cmd_watch(args)
    if not args.force:
        done = fastpath.unchanged(
            args.year, args.data_dir, args.output_dir, args.notebook_dir, pdf=args.pdf
        )
        # Leftovers of a killed run (bwklib.build.publish) are for a full run to recover.
        if done is not None and not any(done.parent.glob(f".bwk-*-{done.name}*")):
            print(f"Ongewijzigd sinds de vorige run: {done / 'index.html'}", file=sys.stderr)
            return 0
    from bwklib.build import warmup
    from bwklib.build.publish import interrupt_on_terminate

    # SIGTERM like Ctrl-C from here on, so the warmed workers are always stopped (with their kernels).
    with interrupt_on_terminate():
        try:
            folder = Path(args.data_dir) / str(args.year) if args.year else Path(args.data_dir)
            if folder.is_dir():
                # Something changed, so reports are likely to be built: start the workers'
                # kernels now, while this process imports pandas and validates the data.
                warmup.start(args.jobs, args.notebook_dir, args.year, args.data_dir)
            summary = build_year(args, args.force)
        finally:
            warmup.stop()
    return report(summary, args.timings)


def build_year(args, force: bool):
    """One `bwk run` with the command line's options (bwklib.build.pipeline.run)."""
    from bwklib.build.pipeline import run

    return run(
        args.year,
        args.data_dir,
        args.output_dir,
        args.notebook_dir,
        jobs=args.jobs,
        force=force,
        pdf=args.pdf,
        timeout=args.timeout,
    )


def report(summary, timings: bool) -> int:
    """Print the timings (when asked) and the failed reports; the exit status of a run."""
    if timings:
        from bwklib.build.timing import table

        print(table(summary.results), file=sys.stderr)
    for f in summary.failures:
        print(f"MISLUKT: {f.task.kind} {f.task.scope}: {f.error}", file=sys.stderr)
    return 1 if summary.failures else 0


def cmd_watch(args) -> int:
    """`bwk run --watch`: build, then rebuild on every saved change, with the workers kept warm."""
    from bwklib.build import warmup
    from bwklib.build.publish import interrupt_on_terminate
    from bwklib.build.watch import watch

    force = [args.force]  # --force applies to the first run only

    def build() -> None:
        report(build_year(args, force.pop() if force else False), args.timings)

    def start_workers() -> None:
        warmup.start(args.jobs, args.notebook_dir, args.year, args.data_dir)

    with interrupt_on_terminate():  # SIGTERM like Ctrl-C: the workers are always stopped
        try:
            watch(
                build,
                start_workers,
                lambda line: print(line, file=sys.stderr, flush=True),
                [Path(args.data_dir), Path(args.notebook_dir), paths.PACKAGE_DIR],
            )
        finally:
            warmup.stop()
    return 0


def cmd_export(args) -> int:
    """Write the exports of a year into output/<year>/ (replacing only the export files)."""
    from bwklib.build.exporting import export_year
    from bwklib.build.pipeline import latest_year

    year = args.year or latest_year(args.data_dir)
    for path in export_year(year, args.data_dir, args.output_dir):
        print(f"geschreven: {path}")
    return 0


def cmd_validate(args) -> int:
    """Validate a year's data and say so: its workbook when that is newer than its CSV files."""
    from bwklib.build.pipeline import latest_year
    from bwklib.entry.importer import pending_workbook
    from bwklib.inputs.loading import load_year

    year = args.year or latest_year(args.data_dir)
    book = pending_workbook(paths.year_dir(args.data_dir, year))
    if book is not None:
        return validate_workbook(book)
    data = load_year(year, args.data_dir)
    print(f"De gegevens van {year} zijn in orde ({len(data.tables)} bestanden gecontroleerd).")
    return 0


def validate_workbook(book: Path) -> int:
    """Check a workbook as `bwk import` would, without writing anything."""
    from bwklib.entry.importer import check_workbook
    from bwklib.errors import display

    print(
        f"De CSV-bestanden van {book.parent.name} ontbreken of zijn ouder dan de werkmap; "
        f"ik controleer de werkmap {display(book)}."
    )
    check_workbook(book)
    print(f"De werkmap {display(book)} is in orde. Lees hem in met: bwk import {display(book)}")
    return 0


def cmd_new_year(args) -> int:
    """Create data/<year>/ with the definition files and the data-entry workbook."""
    from bwklib.entry.newyear import new_year
    from bwklib.errors import display

    if (args.name or args.title or args.organisation) and not args.region:
        print("bwk: --name, --title en --organisation horen bij --region.", file=sys.stderr)
        return 2
    book = new_year(
        args.year,
        args.data_dir,
        region=args.region,
        from_year=args.from_year,
        name=args.name,
        title=args.title,
        organisation=args.organisation,
    )
    if book.name != f"invoer-{args.year}.xlsx":
        print(
            f"Regio {args.region} staat in {display(book.parent)}, met haar eigen invoerwerkmap "
            f"{display(book)}; de andere regio's blijven zoals ze zijn."
        )
    else:
        print(
            f"Gemaakt: {display(book.parent)} met de definities en de invoerwerkmap {display(book)}."
        )
    print(f"Vul de werkmap in en lees hem daarna in met: bwk import {display(book)}")
    return 0


def cmd_import(args) -> int:
    """Check a filled workbook and write the CSV files of its year (nothing on a problem)."""
    from bwklib.entry.importer import import_workbook
    from bwklib.errors import display

    with import_lock(args.workbook, args.output_dir):
        written = import_workbook(args.workbook)
    for path in written:
        print(f"geschreven: {display(path)}")
    year = written[0].parent.name
    from bwklib.inputs.loading import load_year

    try:
        load_year(int(year), args.data_dir)
    except DataError:  # another region's workbook of this year is still to be imported
        others = sorted(
            display(p)
            for p in written[0].parent.glob("invoer-*.xlsx")
            if p.name != args.workbook.name
        )
        print(
            f"De cijfers uit {display(args.workbook)} zijn ingelezen en in orde. {year} is nog niet "
            "compleet: lees ook de werkmap van de andere regio('s) in: " + ", ".join(others)
        )
        return 0
    print(
        f"De gegevens van {year} zijn ingelezen en in orde. Maak de rapporten met: bwk run --year {year}"
    )
    return 0


def import_lock(workbook: Path, output_dir: Path):
    """The year lock `bwk run` holds, for the year folder the workbook is in (if it is one)."""
    from contextlib import nullcontext

    from bwklib.build.publish import year_lock

    name = Path(workbook).resolve().parent.name
    if len(name) == 4 and name.isdigit():
        return year_lock(Path(output_dir), int(name))
    return nullcontext()


def interrupted() -> str:
    """What an interrupt left: the previous output, or the new one if it was already published."""
    publish = sys.modules.get("bwklib.build.publish")
    published = getattr(publish, "PUBLISHED", None)
    if published is not None:
        return f"bwk: afgebroken, maar pas nadat de nieuwe uitvoer klaar was: {published}"
    return "bwk: afgebroken; de vorige uitvoer is ongewijzigd."


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `bwk` console script."""
    from bwklib.build.lean import skip_optional_imports

    skip_optional_imports()
    args = parser().parse_args(argv)
    try:
        commands = {
            "run": cmd_run,
            "export": cmd_export,
            "validate": cmd_validate,
            "new-year": cmd_new_year,
            "import": cmd_import,
        }
        return commands[args.command](args)
    except DataError as e:
        print(e.report(), file=sys.stderr)
        print("Verbeter deze punten en start de opdracht opnieuw.", file=sys.stderr)
        return 1
    except RunError as e:
        print(f"bwk: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"bwk: {os_error_message(e)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(interrupted(), file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
