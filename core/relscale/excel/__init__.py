"""Excel output: a writer-neutral sheet model (:mod:`.sheet`) and the one workbook writer
(:mod:`.xlsx`, with :mod:`.xlsx_sheet` and :mod:`.xlsx_styles`). Builders import
:mod:`relscale.excel.sheet`; nothing here imports openpyxl."""
