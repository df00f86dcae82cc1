"""Formatting: Dutch numbers and escaped HTML."""

import pytest

from bwklib.report.formatting import (
    esc,
    format_change,
    format_eur,
    format_figure,
    format_int,
    format_percent,
    format_signed_eur,
    html_table,
    round_half_up,
)


class TestFormatEur:
    @pytest.mark.parametrize(
        "value, text",
        [
            (3181, "€ 3.181"),
            (-3181, "€ -3.181"),
            (0, "€ 0"),
            (370245, "€ 370.245"),
            (1234567, "€ 1.234.567"),
        ],
    )
    def test_dutch_money(self, value, text):
        assert format_eur(value) == text

    def test_missing(self):
        assert format_eur(None) == "–" and format_eur(float("nan")) == "–"

    def test_signed(self):
        assert format_signed_eur(1193) == "€ +1.193" and format_signed_eur(-5) == "€ -5"


class TestFormatPercent:
    @pytest.mark.parametrize(
        "fraction, text",
        [(0.3342, "33%"), (0.5051, "51%"), (0.125, "13%"), (0.005, "1%"), (1.2, "120%")],
    )
    def test_whole_percent_half_up(self, fraction, text):
        assert format_percent(fraction) == text

    def test_half_up_not_bankers(self):
        assert round_half_up(2.5) == 3 and round_half_up(0.125, 2) == round_half_up(0.13, 2)


class TestHtml:
    def test_escapes_everything(self):
        t = html_table(["<b>"], [["<script>alert(1)</script>"]], [['x" onmouseover="y']])
        assert "<script>" not in t and "&lt;script&gt;" in t and 'onmouseover="y"' not in t

    def test_int(self):
        assert format_int(1085) == "1.085" and esc(None) == ""


class TestFormatFigure:
    @pytest.mark.parametrize(
        "value, unit, text",
        [
            (0.3342, "fraction", "33%"),
            (28.479, "percent", "28,5%"),
            (29, "percent", "29%"),
            (-3181, "eur", "€ -3.181"),
            (1085, "count", "1.085"),
            (None, "count", "–"),
        ],
    )
    def test_units(self, value, unit, text):
        assert format_figure(value, unit) == text

    def test_missing_text(self):
        assert format_figure(float("nan"), "eur", missing="niet bekend") == "niet bekend"


class TestFormatChange:
    @pytest.mark.parametrize(
        "value, unit, text",
        [
            (-160, "count", "-160"),
            (10, "count", "+10"),
            (0, "count", "0"),
            (1193, "eur", "€ +1.193"),
            (-3181, "eur", "€ -3.181"),
            (0.025, "fraction", "+3 procentpunt"),
            (None, "count", "–"),
        ],
    )
    def test_signs(self, value, unit, text):
        assert format_change(value, unit) == text
