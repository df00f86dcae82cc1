"""Stage 4, build and publish: plan, execute notebooks, render HTML, cache, exports, provenance, PDF."""
