"""The pages' styles: no rule for a screen width sets a colour.

At phone width the audit versions are checked by axe without its color-contrast rule
(tests/report/browser.py AXE_PHONE_AUDIT): contrast is a matter of colour pairs, and this test
keeps them the same at every width. The styles are read from the built pages, which inline the
stylesheet and carry each table's own style.
"""

import re


def width_rules(css: str) -> list[str]:
    """The bodies of the @media blocks whose condition names a width, nested blocks included."""
    bodies, at = [], 0
    while (start := css.find("@media", at)) != -1:
        brace = css.index("{", start)
        depth, end = 1, brace + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        if "width" in css[start:brace]:
            bodies.append(css[brace + 1 : end - 1])
        at = brace + 1  # also the blocks nested in this one
    return bodies


COLOUR_DECLARATION = re.compile(
    r"(?<![\w-])(color|background(?:-color|-image)?|border(?:-[a-z]+)*-color|fill|stroke|opacity|"
    r"filter|mix-blend-mode)\s*:\s*([^;}]*)"
)


def test_narrow_screens_change_no_colour(built2019):
    """No rule for a screen width sets a colour (AXE_PHONE_AUDIT leaves contrast out at phone
    width for that reason), in any style of any page (the stylesheet is inlined in each)."""
    sample = "@media (max-width: 40rem) { td { color: red; } @media (min-width: 1px) { p {} } }"
    assert width_rules(sample) == [
        " td { color: red; } @media (min-width: 1px) { p {} } ",
        " p {} ",
    ]
    assert COLOUR_DECLARATION.search(width_rules(sample)[0])
    pages = sorted(built2019.year.glob("*.html"))
    assert len(pages) == 11
    found = []
    for page in pages:
        styles = re.findall(r"<style[^>]*>(.*?)</style>", page.read_text(encoding="utf-8"), re.S)
        for body in (b for css in styles for b in width_rules(css)):
            found += [
                f"{page.name}: {m.group(0)}"
                for m in COLOUR_DECLARATION.finditer(body)
                if m.group(2).strip() not in ("inherit", "currentcolor")
            ]
    assert found == []
