"""What a stakeholder reads: financial conclusions and the SROI benchmark from the source, photos
only with their file, every band named beside its colour, no English keys or internal ids."""

from __future__ import annotations

import re

import pytest

from bwklib import views
from bwklib.inputs.stories import render, split_section
from bwklib.report.site import render_index

YEAR = 2019
# The "Conclusies" of the published report (../shared/source/jaarrapportage-2019.txt).
CONCLUSIONS = {
    "top": "Redelijk financieel resultaat (ca. 3% tekort).",
    "hart-voor-leidsche-rijn": "Goed financieel resultaat (ca. 3% over).",
    "de-verbinding": "Goed financieel resultaat (ca. 1% over).",
    "de-klop": "Redelijk financieel resultaat (ca. 1% tekort).",
    "utrecht": "Goed financieel resultaat (nihil over).",
}


@pytest.fixture(scope="module")
def data():
    return views.load(YEAR)


@pytest.mark.parametrize("scope", sorted(CONCLUSIONS))
def test_financial_conclusions_shown_with_the_finance_figures(data, scope):
    shown = views.finance_conclusions(data, scope)
    assert CONCLUSIONS[scope] in shown
    assert CONCLUSIONS[scope] not in views.story(data, scope)  # once, not twice


def test_region_compares_its_sroi_with_the_benchmark(data):
    shown = views.finance_conclusions(data, "utrecht")
    assert "De SROI komt uit op 25%" in shown and "gemiddelde 5%" in shown


def test_split_section_leaves_the_rest():
    text = "# T\n\n## A\n\na\n\n## Financiële conclusies\n\nGoed.\n\n## B\n\nb\n"
    rest, section = split_section(text)
    assert section == "Goed." and "## A" in rest and "## B\n\nb" in rest
    assert "Financiële" not in rest
    assert split_section("# T\n\nniets\n") == ("# T\n\nniets\n", "")


def test_a_caption_without_its_photo_is_not_shown(tmp_path):
    text = "Tekst.\n\n*Foto: Vrijwilligers bijeen.*\n\nMeer tekst.\n"
    html = render(text, tmp_path)
    assert "Foto" not in html and "Meer tekst." in html


def test_a_photo_beside_the_story_is_embedded_with_its_alt_text(tmp_path):
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )
    (tmp_path / "alv.png").write_bytes(png)
    text = "![Leden bijeen op de ALV](alv.png)\n\n*Foto: Vrijwilligers bijeen.*\n"
    html = render(text, tmp_path)
    assert 'src="data:image/png;base64,' in html and 'alt="Leden bijeen op de ALV"' in html
    assert "Foto: Vrijwilligers bijeen." in html and 'class="photo-caption"' in html


@pytest.mark.parametrize(
    "src", ["https://example.org/foto.jpg", "../geheim.png", "ontbreekt.jpg", "/etc/foto.png"]
)
def test_a_photo_from_elsewhere_or_missing_is_never_loaded(tmp_path, src):
    html = render(f"![alt]({src})\n\n*Foto: onderschrift*\n", tmp_path)
    assert "<img" not in html and "onderschrift" not in html


def test_every_scored_cell_names_its_band(data):
    bands = data["bands"]
    for html in (views.results_overview(data, "utrecht"), views.results_table(data, "top")):
        cells = re.findall(r'<td class="band-(\w+)[^"]*"[^>]*>(.*?)</td>', html)
        assert cells
        label = dict(zip(bands.band, bands.label, strict=True))
        symbol = dict(zip(bands.band, bands.symbol, strict=True))
        for band, content in cells:
            assert f"({label[band]})" in content and f">{symbol[band]}<" in content


def test_the_legend_shows_symbol_and_name_of_every_band(data):
    legend = views.legend(data)
    for b in data["bands"].itertuples():
        assert f">{b.symbol}</span> {b.label}:" in legend


def test_index_shows_no_english_key_or_internal_id(data):
    html = render_index(data, [])
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(style|script).*?</\1>", "", html, flags=re.S))
    for word in ("Volunteer_value", "volunteer_value", "mvgm", "wijkt af", "README"):
        assert word not in text, word


def test_housing_corporation_marker_with_its_legend_entry(data_copy):
    """An indicator marked in indicators.csv shows the mark; the legend explains it."""
    path = data_copy / str(YEAR) / "indicators.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = next(i for i, line in enumerate(lines) if line.startswith("klussen,"))
    lines[marked] = lines[marked].removesuffix(",") + ",true"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = views.load(YEAR, data_copy)
    table, overview = views.results_table(data, "top"), views.results_overview(data, "utrecht")
    for html in (table, overview):
        assert "van belang voor woningcorporaties" in html.split("<table")[0]  # legend
        rows = [r for r in html.split("<tr>") if 'class="housing-marker"' in r]
        assert len(rows) == 1 and rows[0].split("</td>")[0].count("Klussen") == 1
        assert "⌂" in rows[0] and "(van belang voor woningcorporaties)" in rows[0]


def test_no_legend_entry_without_a_marked_indicator(data):
    assert not data["indicators"].housing_corporations.fillna(False).astype(bool).any()
    assert "woningcorporaties" not in views.legend(data)
