"""A kernel loads a year once: reused while not one byte changed, never shared between notebooks."""

from bwklib.inputs import memo
from bwklib.inputs.digests import tree_digests


def test_second_load_is_a_copy_of_the_first(data_copy, monkeypatch):
    calls = []
    real = memo.load_year
    monkeypatch.setattr(memo, "load_year", lambda *a: calls.append(a) or real(*a))
    first = memo.load_year_once(2019, data_copy)
    second = memo.load_year_once(2019, data_copy)
    assert len(calls) == 1
    assert first is not second and first["finance"] is not second["finance"]
    assert first["finance"].equals(second["finance"])


def test_a_change_in_one_byte_loads_again(data_copy):
    before = memo.load_year_once(2019, data_copy)
    path = data_copy / "2019" / "finance.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("top,huisvesting,16236,17254", "top,huisvesting,16236,17255"))
    after = memo.load_year_once(2019, data_copy)
    rent = after["finance"].query("location == 'top' and line == 'huisvesting'")
    assert list(rent.actual) == [17255]
    assert not before["finance"].equals(after["finance"])


def test_a_notebook_changing_its_copy_does_not_change_the_next(data_copy):
    first = memo.load_year_once(2019, data_copy)
    first["finance"].loc[:, "actual"] = 0
    second = memo.load_year_once(2019, data_copy)
    assert second["finance"]["actual"].sum() > 0


def test_digests_cover_every_file_and_skip_caches(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.csv").write_text("1")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "y.pyc").write_text("2")
    assert list(tree_digests(tmp_path)) == ["a/x.csv"]
