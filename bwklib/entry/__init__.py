"""The analyst's entry path: begin a year (new-year) and the Excel workbook (build, read, import)."""
