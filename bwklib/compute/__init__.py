"""Stage 2, compute: scoring, finance, consolidation, figures, published-figure checks, earlier years."""
