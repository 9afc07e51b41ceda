"""Excel output: a writer-neutral sheet model (:mod:`.sheet`) and its openpyxl renderer
(:mod:`.render`). Builders import :mod:`relscale.excel.sheet`; only :mod:`.render`
imports openpyxl."""
