"""Rendering: an executed notebook to a stakeholder HTML (no code) and an audit HTML (with code)."""

from __future__ import annotations

from bwklib import paths

AUDIT_TAG = "audit-only"
STAKEHOLDER_TAG = "stakeholder-only"  # the closing line that points to the audit version


def normalise(nb) -> None:
    """Remove what differs between two runs of the same notebook: timings, ids, execution counts."""
    nb.metadata.get("papermill", {}).clear()
    count = 0
    for i, c in enumerate(nb.cells):
        c.id = f"cell-{i:02d}"
        c.metadata.pop("papermill", None)
        c.metadata.pop("execution", None)
        if c.cell_type == "code" and c.execution_count is not None:
            # A reused kernel keeps counting across notebooks: number each notebook from 1.
            count += 1
            c.execution_count = count
            for out in c.outputs:
                if "execution_count" in out:
                    out.execution_count = count


def exporter_class():
    """nbconvert's HTMLExporter without its closing BeautifulSoup pass.

    nbconvert parses every rendered page with BeautifulSoup's pure-Python parser and serialises it
    again, to give an <img> without alt text an English one and every cell's input and output a
    tabindex. bwk's pages have no <img> (charts are inline SVG, labelled by their captions), and a
    tab stop on every output is noise to a keyboard user: the tables that scroll have their own
    focusable region (bwklib.report.formatting). That pass was two thirds of a report's rendering.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight = self.filters.get("highlight_code") or Highlight2HTML(
                pygments_lexer=lexer, parent=self
            )
            resources = self._init_resources(resources)
            data_types = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_types)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


def exporters():
    """The two HTML exporters of a worker (created once per process, reused for every render)."""
    global _EXPORTERS
    if _EXPORTERS is None:
        from nbconvert.preprocessors import TagRemovePreprocessor

        from bwklib.report.page import FILTERS

        base = dict(
            template_name="bwk",
            extra_template_basedirs=[str(paths.TEMPLATE_DIR)],
            embed_images=True,
            language_code="nl",
            exclude_anchor_links=True,
            filters=FILTERS,
        )
        Exporter = exporter_class()
        stakeholder = Exporter(
            exclude_input=True, exclude_output_prompt=True, exclude_input_prompt=True, **base
        )
        # Cells tagged audit-only (the formulas) appear in the audit version alone.
        stakeholder.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={AUDIT_TAG}), enabled=True
        )
        audit = Exporter(**base)
        audit.register_preprocessor(
            TagRemovePreprocessor(remove_cell_tags={STAKEHOLDER_TAG}), enabled=True
        )
        _EXPORTERS = (stakeholder, audit)
    return _EXPORTERS


_EXPORTERS = None
