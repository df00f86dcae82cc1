"""Story figures: `{{ figuur: <key> }}` in story Markdown, validated with file and line, shown Dutch."""

import pytest

from bwklib import paths
from bwklib.compute.checks import compute_checks
from bwklib.compute.figures import compute_figures
from bwklib.errors import DataError
from bwklib.inputs.loading import load_year
from bwklib.inputs.stories import bind, figure_refs
from bwklib.report.story import bind_figures


def test_references_are_parsed_with_basis_scope_and_line():
    text = "a\n{{ figuur: generic:deelnemers }} en\n{{figuur:expense_total.budget van top}}"
    refs = figure_refs(text)
    assert [(r.key, r.basis, r.scope, r.line) for r in refs] == [
        ("generic:deelnemers", "actual", None, 2),
        ("expense_total", "budget", "top", 3),
    ]
    assert bind(text, lambda r: f"<{r.key}>") == "a\n<generic:deelnemers> en\n<expense_total>"


def test_something_else_in_braces_is_not_a_figure():
    (ref,) = figure_refs("{{ 1 + 1 }}")
    assert ref.key is None


def test_the_2019_stories_show_computed_figures_the_dutch_way(data2019):
    text = data2019.stories["utrecht"]
    assert "1.085" not in text and "{{ figuur: generic:deelnemers }}" in text
    shown = bind_figures(data2019, "utrecht", text)
    assert "In totaal waren er in 2019 1.085 individuele deelnemers" in shown
    assert "TOP in Ondiep: 490 individuele bewoners" in shown
    assert "De Verbinding in Zuilen: 265 individuele bewoners" in shown
    assert "ad € 370.245 komen iets lager uit dan de begroting van € 394.032." in shown
    assert "{{ figuur" not in shown  # chart directives are placed by render


def test_checks_still_compare_the_sources_typed_value(data2019):
    figures = compute_figures(data2019, ["utrecht"])  # the scope checked: its figures suffice
    checks = compute_checks(data2019, figures, only=["utrecht"])
    typed = checks[
        (checks.scope == "utrecht")
        & (checks.figure == "generic:deelnemers.actual")
        & (checks.source_location == "Conclusies algemeen – tekst")
    ]
    assert list(typed.reported) == [1085] and list(typed.status) == ["agrees"]


@pytest.mark.parametrize(
    "reference, message",
    [
        ("{{ figuur: made_up }}", "'made_up' is geen bekende cijfersleutel"),
        ("{{ figuur: generic:onbekend }}", "'onbekend' in 'generic:onbekend' staat niet in"),
        ("{{ figuur: generic:deelnemers van nergens }}", "'nergens' in"),
        ("{{ data['finance'].sum() }}", "is geen verwijzing naar een cijfer"),
    ],
)
def test_an_unknown_reference_is_a_validation_error_with_file_and_line(
    data_copy, reference, message
):
    story = data_copy / "2019" / "stories" / "top.md"
    story.write_text(f"# TOP\n\nWe hadden {reference} deelnemers.\n", encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_year(2019, data_copy)
    (problem,) = e.value.problems
    assert problem.file.endswith("stories/top.md") and problem.row == 3
    assert message in problem.expected


def test_the_shipped_data_validates():
    load_year(2019, paths.DATA_DIR)
