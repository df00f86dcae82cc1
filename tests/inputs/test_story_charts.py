"""Story charts: `{{ grafiek: <naam> }}` on its own line places the scope's chart in the story."""

import re

import pytest

from bwklib.errors import DataError
from bwklib.inputs.loading import load_year
from bwklib.inputs.stories import CHARTS, chart_refs, figure_refs, render
from bwklib.report import views
from bwklib.report.placement import chart_anchor
from bwklib.report.story import chart_views, story_chart

SECTION_OF = {  # the view whose section draws the chart when the story does not
    "deelnemers-per-activiteit": views.activity_section,
    "kengetallen": views.generic_charts,
    "woningcorporaties": views.housing_section,
    "inkomsten": views.income_chart,
    "uitgaven": views.finance_chart,
}


def test_directives_are_parsed_with_line_and_whether_alone():
    text = (
        "a\n\n{{ grafiek: kengetallen }}\nzie {{grafiek:inkomsten}} hier\n   {{ grafiek: x y }}  "
    )
    refs = chart_refs(text)
    assert [(r.name, r.line, r.alone) for r in refs] == [
        ("kengetallen", 3, True),
        ("inkomsten", 4, False),
        ("x y", 5, True),
    ]
    assert figure_refs(text) == []  # a chart is not a figure


def test_every_chart_name_has_a_view():
    assert set(chart_views()) == set(CHARTS) == set(SECTION_OF)


def test_a_directive_alone_becomes_the_chart_and_nothing_else_does():
    text = (
        "Tekst.\n{{ grafiek: kengetallen }}\nMeer tekst.\n\n"
        "Zie {{ grafiek: uitgaven }} hier.\n\n"
        "- {{ grafiek: inkomsten }}\n\n"
        "{{ grafiek: <script>alert(1)</script> }}\n"
    )
    html = render(text, chart=lambda name: f"<CHART {name}>")
    assert html.count("<CHART") == 1 and "<CHART kengetallen>" in html
    assert "<p>Tekst.</p>" in html and "<p>Meer tekst.</p>" in html  # the paragraph is split
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "{{ grafiek: uitgaven }}" in html  # not alone: left as text (validation refuses it)
    assert "<CHART" not in render(text)  # without charts a directive shows nothing


def write_story(data_copy, scope, body):
    path = data_copy / "2019" / "stories" / f"{scope}.md"
    path.write_text(f"# {scope}\n\n{body}\n", encoding="utf-8")


@pytest.mark.parametrize(
    "line, row, message",
    [
        ("{{ grafiek: taart }}", 5, "'taart' in '{{ grafiek: taart }}' is geen bekende grafiek"),
        ("Zie {{ grafiek: kengetallen }}.", 5, "staat niet alleen op de regel"),
        ("{{ grafiek: kengetallen }}\n\n{{ grafiek: kengetallen }}", 7, "staat al op regel 5"),
    ],
)
def test_a_bad_directive_is_a_validation_error_with_file_line_and_names(
    data_copy, line, row, message
):
    write_story(data_copy, "top", f"Tekst.\n\n{line}")
    with pytest.raises(DataError) as e:
        load_year(2019, data_copy)
    (problem,) = e.value.problems
    assert problem.file.endswith("stories/top.md") and problem.row == row
    assert message in problem.expected
    if "bekende" in message or "alleen" in message:
        assert all(name in problem.expected for name in CHARTS)


def test_every_chart_works_in_every_kind_of_story_and_is_drawn_once(data_copy):
    """A region, a location and a location without counts may place any chart: the story shows
    the chart its section would draw, and that section then links to it instead of drawing it."""
    scopes = ("utrecht", "top", "de-klop")
    before = load_year(2019, data_copy)
    section_chart = str(chart_views()["woningcorporaties"](before, "top"))
    assert "Deelnemers per woningcorporatie — TOP" in section_chart
    body = "\n\n".join(f"Over {name}:\n\n{{{{ grafiek: {name} }}}}" for name in CHARTS)
    for scope in scopes:
        write_story(data_copy, scope, body)
    data = load_year(2019, data_copy)
    stories = {scope: views.story(data, scope) for scope in scopes}
    for scope, story in stories.items():
        if scope == "top":
            assert section_chart in story  # exactly the chart of the section
        for name in CHARTS:
            section = SECTION_OF[name](data, scope)
            anchor = f'id="{chart_anchor(name)}"'
            has_figures = scope != "de-klop" or name in ("inkomsten", "uitgaven")
            if has_figures:
                assert story.count(anchor) == 1 and "<svg" in story.split(anchor)[1]
                assert f'href="#{chart_anchor(name)}"' in section and "<svg" not in section
            else:  # nothing to draw (De Klop registered no counts): no empty box, no dead link
                assert anchor not in story and "#grafiek-" not in section
        captions = re.findall(r'<figcaption id="([^"]+)"', story)
        assert len(captions) == len(set(captions))
    assert "Kengetallen per buurtwerkkamer — Utrecht" in stories["utrecht"]
    assert story_chart(data, "de-klop", "kengetallen") == ""


def test_the_utrecht_story_shows_the_three_figures_where_it_refers_to_them(data2019):
    html = views.story(data2019, "utrecht")
    after = [
        html.split(sentence, 1)[1].split("</p>", 1)[1][:200]
        for sentence in (
            "per type activiteit/dienst.",
            "In de volgende figuur meer bijzonderheden.",
            "zichtbaar in de volgende figuur.",
        )
    ]
    assert [re.search(r'class="story-chart" id="([^"]+)"', a)[1] for a in after] == [
        "grafiek-deelnemers-per-activiteit",
        "grafiek-kengetallen",
        "grafiek-woningcorporaties",
    ]
    assert "Deelnemers per activiteitsoort — Utrecht" in html
    assert "Deelnemers per woningcorporatie — Utrecht (totaal 1.085)" in html
    assert "{{" not in html


def test_no_shipped_story_refers_to_a_figure_it_does_not_show(data2019):
    """Every paragraph announcing 'de volgende figuur' is followed by the chart it announces."""
    for scope, text in data2019.stories.items():
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        for here, after in zip(paragraphs, paragraphs[1:] + [""], strict=True):
            if re.search(r"volgende figuur|onderstaande (figuur|grafiek)", here, re.I):
                assert re.fullmatch(r"\{\{\s*grafiek\s*:[^}]*\}\}", after), (scope, here)
