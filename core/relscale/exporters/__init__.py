"""Exports to the survey platforms and statistics packages researchers already use.

One module per target: :mod:`~relscale.exporters.xlsform` (ODK, KoboToolbox),
:mod:`~relscale.exporters.redcap`, :mod:`~relscale.exporters.limesurvey`,
:mod:`~relscale.exporters.spss` (``.sav`` data and ``.sps`` syntax) and
:mod:`~relscale.exporters.rscript`. :mod:`~relscale.exporters.localized` holds the
multi-locale exporter interface, :mod:`~relscale.exporters.text` the escaping every
exporter shares, :mod:`~relscale.exporters.variables` the variable metadata (labels,
value labels, missing values, measurement levels) the SPSS and R outputs share.

Heavy imports (openpyxl, pyreadstat) happen inside the functions that write files.
"""
