"""The Html fragment type every report section returns."""

from __future__ import annotations


class Html(str):
    """A fragment of HTML that Jupyter displays as HTML (and nbconvert renders as such)."""

    def _repr_html_(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return "[HTML-fragment]"


def block(*parts: str) -> Html:
    """Wrap fragments in the report's styled container."""
    return Html('<div class="bwk">' + "".join(parts) + "</div>")
