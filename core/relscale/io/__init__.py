"""Reading and writing files: atomic output, response tables, filled forms."""
