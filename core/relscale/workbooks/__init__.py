"""Workbook builders: one workbook each, laid out on the sheet model of relscale.excel."""
