"""The analyst's entry path: begin a year (new-year) and the Excel workbook.

`bwk new-year` writes data/<year>/invoer-<year>.xlsx with one sheet per table the analyst fills
(Dutch sheet names and column headers, drop-down lists, whole-number checks, locked header rows);
`bwk import` reads it back, checks every cell with the same schema rules as the CSV files
(bwklib.inputs.loading.parse_table), runs the cross-file checks of load_year on a staging copy, and only then
writes the canonical CSV files. Problems name the sheet, the row as Excel shows it, the column header
as the analyst sees it, the value and what was expected.

Which columns exist, their types and which table each code refers to all come from
data/datapackage.json; the lists of locations, indicators, corporations and lines come from the data.

Modules: `sheets` (what each sheet holds), `writer` (building), `reader` (reading and checking
cells), `importer` (cross-checks and writing the CSV files), `newyear`.
"""
