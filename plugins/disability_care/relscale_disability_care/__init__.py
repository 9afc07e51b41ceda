"""relscale sector plugin: disability care (data only: sector.toml, norms/, locale/)."""

import relscale

plugin = relscale.data_plugin(__file__)
