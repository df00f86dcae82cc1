"""The `bwk` command: run, export, validate. Messages are Dutch; data problems never show a traceback."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths
from .errors import DataError


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"verwacht een geheel getal groter dan 0, niet {text!r}")
    return int(text)


def year_arg(text: str) -> int:
    """argparse type: a four-digit year (validated before it becomes a path)."""
    if not (len(text) == 4 and text.isdigit()):
        raise argparse.ArgumentTypeError(f"verwacht een jaartal van vier cijfers, niet {text!r}")
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
    e = sub.add_parser(
        "export", help="scores.csv, figures.csv, checks.csv en provenance.json schrijven"
    )
    e.add_argument("--year", type=year_arg, help="jaar (standaard: het laatste jaar in data/)")
    v = sub.add_parser("validate", help="de gegevens van een jaar controleren")
    v.add_argument("--year", type=year_arg, help="jaar (standaard: het laatste jaar in data/)")
    return p


def cmd_run(args) -> int:
    """Build every report; exit 1 when a report failed."""
    from .pipeline import run

    summary = run(args.year, args.data_dir, args.output_dir, jobs=args.jobs, force=args.force)
    for f in summary.failures:
        print(f"MISLUKT: {f.task.kind} {f.task.scope}: {f.error}", file=sys.stderr)
    return 1 if summary.failures else 0


def cmd_export(args) -> int:
    """Write the exports of a year into output/<year>/ (replacing only those two files)."""
    import tempfile

    from .exports import write_exports
    from .loading import load_year
    from .pipeline import latest_year

    year = args.year or latest_year(args.data_dir)
    data = load_year(year, args.data_dir)
    final = Path(args.output_dir) / str(year)
    final.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=final, prefix=".bwk-export-") as tmp:
        for path in write_exports(data, Path(tmp)):
            path.replace(final / path.name)
            print(f"geschreven: {final / path.name}")
    return 0


def cmd_validate(args) -> int:
    """Validate a year's data and say so."""
    from .loading import load_year
    from .pipeline import latest_year

    year = args.year or latest_year(args.data_dir)
    data = load_year(year, args.data_dir)
    print(f"De gegevens van {year} zijn in orde ({len(data.tables)} bestanden gecontroleerd).")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `bwk` console script."""
    args = parser().parse_args(argv)
    from .pipeline import RunError

    try:
        return {"run": cmd_run, "export": cmd_export, "validate": cmd_validate}[args.command](args)
    except DataError as e:
        print(e.report(), file=sys.stderr)
        print("Verbeter deze punten en start de opdracht opnieuw.", file=sys.stderr)
        return 1
    except RunError as e:
        print(f"bwk: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bwk: afgebroken; de vorige uitvoer is ongewijzigd.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
