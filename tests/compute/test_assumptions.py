"""Every configuration rule is written down in docs/assumptions.md."""

import pytest

from bwklib import paths

DOC = (paths.ROOT / "docs" / "assumptions.md").read_text(encoding="utf-8")


def configured(data):
    return (
        [("band", b) for b in data["bands"].band]
        + [("scoring rule", r) for r in data["scoring_rules"].rule]
        + [("key ratio", r) for r in data["key_ratios"].ratio]
    )


def test_every_configured_rule_has_an_entry(data2019):
    missing = [f"{kind} {name}" for kind, name in configured(data2019) if f"`{name}`" not in DOC]
    assert not missing, f"not documented in docs/assumptions.md: {missing}"


@pytest.mark.parametrize(
    "name", ["bwklib.compute.scoring.band_for", "bwklib.compute.finance.key_ratios"]
)
def test_entries_point_at_the_code(name):
    assert name in DOC
