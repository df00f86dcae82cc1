"""Stories: Markdown from data/ rendered without raw HTML or unsafe links."""

import pytest

from bwklib.errors import DataError
from bwklib.inputs.loading import load_year
from bwklib.inputs.stories import render, validate_link


class TestRender:
    def test_headings_move_down_and_title_is_dropped(self):
        html = render("# Titel\n\n## Waar we trots op zijn\n\nTekst.\n")
        assert "Titel" not in html and "<h3>Waar we trots op zijn</h3>" in html

    @pytest.mark.parametrize(
        "payload",
        [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(2)>",
            "</style><b>x</b>",
            '<svg onload="alert(5)"></svg>',
        ],
    )
    def test_raw_html_is_shown_as_text(self, payload):
        html = render(f"Tekst {payload}\n\n{payload}\n")
        assert (
            "<script" not in html
            and "<img" not in html
            and "<svg" not in html
            and "</style>" not in html
        )
        assert "&lt;" in html

    @pytest.mark.parametrize(
        "url",
        [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            " javascript:alert(1)",
        ],
    )
    def test_unsafe_links_are_not_links(self, url):
        assert not validate_link(url)
        assert 'href="' not in render(f"[klik]({url})")

    def test_web_links_stay(self):
        assert '<a href="http://buurtwerkkamer.nl/verhalen/">' in render(
            "<http://buurtwerkkamer.nl/verhalen/>"
        )


class TestLoadStories:
    def test_story_must_be_utf8(self, data_copy):
        folder = data_copy / "2019" / "stories"
        folder.mkdir(exist_ok=True)
        (folder / "top.md").write_bytes("Café".encode("latin-1"))
        with pytest.raises(DataError, match="top.md, rij 1 .*geen UTF-8"):
            load_year(2019, data_copy)

    def test_story_name_must_be_a_scope(self, data_copy):
        folder = data_copy / "2019" / "stories"
        folder.mkdir(exist_ok=True)
        (folder / "onbekend.md").write_text("# x\n", encoding="utf-8")
        with pytest.raises(DataError, match="geen locatie- of regio-id"):
            load_year(2019, data_copy)

    def test_stories_are_loaded_by_scope(self, data_copy):
        folder = data_copy / "2019" / "stories"
        folder.mkdir(exist_ok=True)
        (folder / "de-klop.md").write_text("# De Klop\n\n## Trends\n\nVeel.\n", encoding="utf-8")
        data = load_year(2019, data_copy)
        assert "Veel." in data.stories["de-klop"]
        assert folder / "de-klop.md" in data.files


class TestNoRemoteImages:
    def test_image_syntax_does_not_load_anything(self):
        html = render("![foto](https://example.com/a.png)")
        assert "<img" not in html and 'src="' not in html
