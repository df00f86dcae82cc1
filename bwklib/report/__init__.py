"""Stage 3, present: report sections (views), charts, Dutch formatting, the index page, templates."""
