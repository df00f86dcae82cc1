"""Stage 1, read and validate: the tidy CSV files of a year, their schema, the stories."""
