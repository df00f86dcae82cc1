"""Data problems collected while loading, reported all at once in Dutch for the analyst."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from pathlib import Path

MAX_SHOWN = 80  # characters of a value shown in a message


@dataclass(frozen=True)
class Problem:
    """One problem in one place of one input file.

    Parameters
    ----------
    file : str
        Path of the file as the analyst knows it (relative to the project when possible).
    row : int or None
        Row number as a spreadsheet shows it (the header is row 1), or None for the whole file.
    column : str or None
        Column name, or None when the problem concerns a row or the file.
    value : str or None
        The offending value as found.
    expected : str
        What was expected, in Dutch, phrased so the analyst knows what to do.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", rij {self.row}"
        if self.column is not None:
            where += f", kolom '{self.column}'"
        value = self.value
        if isinstance(value, str) and len(value) > MAX_SHOWN:
            value = value[: MAX_SHOWN - 1] + "…"
        found = f": waarde {value!r}" if value is not None else ""
        return f"{where}{found} — {self.expected}"


def decode_utf8(raw: bytes, shown: str, problems: list[Problem], hint: str) -> str | None:
    """Decode a file's bytes as UTF-8; on failure record a problem at the line where it fails."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        problems.append(Problem(shown, line, None, None, hint))
        return None


class DataError(Exception):
    """Raised with every problem found, so one run shows the analyst all there is to fix."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__(self.report())

    def report(self) -> str:
        """All problems, one per line, with a count first."""
        n = len(self.problems)
        head = (
            f"{n} probleem gevonden in de gegevens:"
            if n == 1
            else (f"{n} problemen gevonden in de gegevens:")
        )
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class RunError(Exception):
    """A run that cannot start or finish (another run holds the lock, no Chromium for --pdf)."""


def file_problem(where: Path | str, message: str) -> DataError:
    """A DataError with one problem about a whole folder or file."""
    return DataError([Problem(display(where), None, None, None, message)])


def display(path: Path) -> str:
    """A path as the analyst knows it: relative to the current folder when possible."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


OS_ERRORS_NL = {
    errno.ENOSPC: "de schijf is vol; maak ruimte vrij",
    errno.EDQUOT: "de schijfruimte (quota) is op; maak ruimte vrij",
    errno.EACCES: "geen toestemming; controleer de rechten van de map of kies een andere map",
    errno.EPERM: "geen toestemming; controleer de rechten van de map of kies een andere map",
    errno.EROFS: "de map staat op een schijf waarop niet geschreven kan worden",
    errno.ENAMETOOLONG: "de bestandsnaam is te lang",
    errno.ENOTDIR: "een deel van het pad is een bestand, geen map",
    errno.EISDIR: "dit is een map; verwacht een bestand",
}


def os_error_message(e: OSError) -> str:
    """A file-system error in Dutch: which file, what happened and what to do."""
    what = OS_ERRORS_NL.get(e.errno, e.strerror or str(e))
    where = f"{display(e.filename)}: " if e.filename else ""
    return f"{where}{what}. Start de opdracht opnieuw als dat verholpen is."
