"""Charts drawn once per content: the same inputs and code give the kept SVG, any change draws anew."""

import os
import shutil

import pandas as pd
import pytest
from buildtools import stubbed

from bwklib.build.pipeline import run
from bwklib.report import chartcache, charts


@pytest.fixture
def folder(tmp_path):
    chartcache.use(tmp_path / "charts")
    yield tmp_path / "charts"
    chartcache.use(None)


@pytest.fixture
def drawn(monkeypatch):
    """A cached chart function that counts how often it really draws."""
    calls = []

    def draw(frame, title):
        calls.append(title)
        return f"<figure>{title}: {frame.to_dict()}</figure>"

    return chartcache.cached(draw), calls


def frame(value=1.0):
    return pd.DataFrame({"deelnemers": [value, 2.0]}, index=["TOP", "De Klop"])


class TestCached:
    def test_without_a_folder_every_chart_is_drawn(self, drawn):
        chart, calls = drawn
        chart(frame(), "a")
        chart(frame(), "a")
        assert calls == ["a", "a"]

    def test_the_same_inputs_are_drawn_once(self, folder, drawn):
        chart, calls = drawn
        assert chart(frame(), "a") == chart(frame(), "a")
        assert calls == ["a"] and len(list(folder.glob("*.html"))) == 1

    @pytest.mark.parametrize(
        "other",
        [
            lambda: (frame(1.5), "a"),  # a value
            lambda: (frame().rename(index={"TOP": "Top"}), "a"),  # a label
            lambda: (frame().astype("int64"), "a"),  # a type: 1 versus 1.0
            lambda: (frame(), "b"),  # the title
        ],
    )
    def test_any_change_of_the_inputs_draws_anew(self, folder, drawn, other):
        chart, calls = drawn
        chart(frame(), "a")
        chart(*other())
        assert len(calls) == 2

    def test_a_change_of_the_drawing_code_draws_anew(self, folder, drawn, monkeypatch):
        chart, calls = drawn
        chart(frame(), "a")
        monkeypatch.setattr(chartcache, "_CODE", "another version of bwklib.report")
        chart(frame(), "a")
        assert len(calls) == 2

    def test_a_change_of_the_matplotlib_settings_draws_anew(self, folder, drawn):
        import matplotlib

        chart, calls = drawn
        chart(frame(), "a")
        with matplotlib.rc_context({"font.size": 23}):  # as a user's matplotlibrc would
            chart(frame(), "a")
        chart(frame(), "a")
        assert len(calls) == 2

    def test_a_kept_chart_is_byte_identical_to_a_drawn_one(self, folder):
        table = frame()
        args = (table["deelnemers"], list(table.index), "Deelnemers", "Aantal")
        fresh = charts.hbar.__wrapped__(*args)
        first = charts.hbar(*args)
        kept = charts.hbar(*args)
        assert fresh == first == kept
        assert len(list(folder.glob("*.html"))) == 1

    def test_an_unwritable_folder_only_costs_the_reuse(self, tmp_path, drawn):
        chart, calls = drawn
        blocked = tmp_path / "file"
        blocked.write_text("not a folder")
        chartcache.use(blocked / "charts")
        try:
            assert chart(frame(), "a").startswith("<figure>")
            assert chart(frame(), "a").startswith("<figure>")
        finally:
            chartcache.use(None)
        assert len(calls) == 2

    def test_formatters_count_by_name_and_a_lambda_is_never_kept(self, folder, drawn):
        from bwklib.report.formatting import format_eur, format_int

        chart, calls = drawn
        chart(frame(), format_int)
        chart(frame(), format_eur)
        chart(frame(), format_eur)
        assert len(calls) == 2
        for _ in range(2):  # two lambdas may differ and share a name: drawn every time
            chart(frame(), lambda v: str(v))
        assert len(calls) == 4


class TestPrune:
    def test_the_least_recently_used_go_first(self, tmp_path):
        for i in range(5):
            path = tmp_path / f"{i}.html"
            path.write_text(str(i))
            os.utime(path, ns=(i * 10**9, i * 10**9))
        (tmp_path / ".tmp-abc").write_text("half")
        chartcache.prune(tmp_path, keep=2)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["3.html", "4.html"]


@pytest.mark.build
def test_a_rebuild_from_kept_charts_equals_the_first_build(built2019, tmp_path):
    """A report rebuilt with every chart read back is byte-identical to the drawn one."""
    out = tmp_path / "out"
    shutil.copytree(built2019.year.parent, out, symlinks=True)
    kept = sorted(p.name for p in (out / chartcache.FOLDER).glob("*.html"))
    assert kept, "the first build keeps its charts"
    with stubbed(real={"top", "utrecht"}):
        summary = run(2019, output_dir=out, jobs=2, force=True, progress=lambda s: None)
    assert not summary.failures
    assert sorted(p.name for p in (out / chartcache.FOLDER).glob("*.html")) == kept  # no new
    for name in ("top.html", "top-audit.html", "utrecht.html", "utrecht-audit.html"):
        assert (out / "2019" / name).read_bytes() == (built2019.year / name).read_bytes(), name
