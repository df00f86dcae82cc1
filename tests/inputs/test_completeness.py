"""Every registered location has a result per indicator and a budget row per finance line of its region."""

import pytest

from bwklib.errors import DataError
from bwklib.inputs.loading import load_year


def drop_rows(path, *starts: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith(starts)]
    assert len(kept) == len(lines) - len(starts), "each row to drop must exist once"
    path.write_text("".join(kept), encoding="utf-8")


def problems(data_dir) -> list:
    with pytest.raises(DataError) as caught:
        load_year(2019, data_dir)
    return caught.value.problems


@pytest.mark.parametrize(
    ("file", "rows", "column", "text"),
    [
        (
            "results.csv",
            ("top,sleutelhouders,", "top,actieve-vrijwilligers,"),
            "indicator",
            "voor locatie top ontbreken resultaten voor: sleutelhouders, actieve-vrijwilligers",
        ),
        (
            "finance.csv",
            ("de-klop,huisvesting,",),
            "line",
            "voor locatie de-klop ontbreken begrotingsregels: huisvesting (vul 0 in als er niets is)",
        ),
    ],
)
def test_a_missing_row_is_named_with_its_file_and_column(data_copy, file, rows, column, text):
    drop_rows(data_copy / "2019" / file, *rows)
    found = [p for p in problems(data_copy) if p.expected == text]
    assert len(found) == 1, [p.expected for p in problems(data_copy)]
    assert found[0].column == column and found[0].file.endswith(file)


def test_an_unregistered_location_needs_no_results(data2019):
    locs = data2019["locations"]
    unregistered = set(locs.loc[~locs.results_registered.astype(bool), "location"])
    assert unregistered == {"de-klop"}  # the source: De Klop did not register its results
    assert unregistered.isdisjoint(data2019["results"].location)
