"""Scoring: raw scale scores, norm scores, norm building and reliability.

The functions a script needs, from the modules that hold them (the engine, norm look-up,
norm building, reliability, whole runs over response files). Nothing here imports numpy or
openpyxl at import time.
"""

from relscale.reliability.classical import (
    ReliabilityReport,
    ScaleReliability,
    instrument_reliability,
    item_reliability,
    scale_reliability,
)
from relscale.scoring.engine import ScaleScores, add_norms, score_responses
from relscale.scoring.norms import (
    GroupSpec,
    apply_norms,
    band_label,
    describe_norms,
    parse_group_specs,
    read_norm_table,
    respondent_groups,
    select_norm_table,
    with_norms_file,
    write_norm_table,
)
from relscale.scoring.norms_build import (
    NormGroup,
    build_norm_tables,
    build_norms_from_file,
    write_norm_groups,
)
from relscale.scoring.run import ScoreRun, ScoringKey, score_files, scoring_key

__all__ = [
    "GroupSpec",
    "NormGroup",
    "ReliabilityReport",
    "ScaleReliability",
    "ScaleScores",
    "ScoreRun",
    "ScoringKey",
    "add_norms",
    "apply_norms",
    "band_label",
    "build_norm_tables",
    "build_norms_from_file",
    "describe_norms",
    "instrument_reliability",
    "item_reliability",
    "parse_group_specs",
    "read_norm_table",
    "respondent_groups",
    "scale_reliability",
    "score_files",
    "score_responses",
    "scoring_key",
    "select_norm_table",
    "with_norms_file",
    "write_norm_groups",
    "write_norm_table",
]
