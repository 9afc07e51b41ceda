"""The first schema: rounds, their instruments and norms, pairs, names, forms issued,
submissions (versioned), answers as given and scores.

Revision ID: 0001_rounds
Revises: (none)
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_rounds"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "norm_tables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("instrument", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=200), nullable=False),
        sa.Column("perspective", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_norm_tables")),
        sa.UniqueConstraint("sha256", name=op.f("uq_norm_tables_sha256")),
    )
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("relscale_version", sa.String(length=40), nullable=False),
        sa.Column("roster_file", sa.String(length=200), nullable=True),
        sa.Column("roster_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("name", name=op.f("uq_rounds_name")),
        sa.UniqueConstraint("uid", name=op.f("uq_rounds_uid")),
    )
    op.create_table(
        "names",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_names_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_names")),
        sa.UniqueConstraint("round_id", "role", "code", name=op.f("uq_names_round_id")),
    )
    with op.batch_alter_table("names", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_names_round_id"), ["round_id"], unique=False)

    op.create_table(
        "pairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("professional_code", sa.String(length=100), nullable=False),
        sa.Column("client_code", sa.String(length=100), nullable=False),
        sa.Column("group_name", sa.String(length=200), nullable=True),
        sa.Column("sector", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("roster_row", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_pairs_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pairs")),
        sa.UniqueConstraint(
            "round_id", "professional_code", "client_code", name=op.f("uq_pairs_round_id")
        ),
    )
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairs_round_id"), ["round_id"], unique=False)

    op.create_table(
        "round_instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=200), nullable=False),
        sa.Column("perspective", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("report_of", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_instruments_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_instruments")),
        sa.UniqueConstraint(
            "round_id", "instrument", "perspective", name=op.f("uq_round_instruments_round_id")
        ),
    )
    with op.batch_alter_table("round_instruments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_round_instruments_round_id"), ["round_id"], unique=False
        )

    op.create_table(
        "round_norms",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("norm_table_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["norm_table_id"],
            ["norm_tables.id"],
            name=op.f("fk_round_norms_norm_table_id_norm_tables"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_norms_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "norm_table_id", name=op.f("pk_round_norms")),
    )
    op.create_table(
        "forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("round_instrument_id", sa.Integer(), nullable=False),
        sa.Column("instrument", sa.String(length=200), nullable=False),
        sa.Column("perspective", sa.String(length=20), nullable=False),
        sa.Column("sector", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=False),
        sa.Column("file", sa.String(length=500), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_forms_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_forms_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_instrument_id"],
            ["round_instruments.id"],
            name=op.f("fk_forms_round_instrument_id_round_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forms")),
        sa.UniqueConstraint("key", name=op.f("uq_forms_key")),
        sa.UniqueConstraint("pair_id", "round_instrument_id", name=op.f("uq_forms_pair_id")),
    )
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_forms_pair_id"), ["pair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_forms_round_id"), ["round_id"], unique=False)

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("source_kind", sa.String(length=20), nullable=False),
        sa.Column("filled_on", sa.String(length=40), nullable=True),
        sa.Column("instrument_version", sa.String(length=40), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"], ["forms.id"], name=op.f("fk_submissions_form_id_forms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("form_id", "version", name=op.f("uq_submissions_form_id")),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_form_id"), ["form_id"], unique=False)

    op.create_table(
        "answers",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_answers_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "item", name=op.f("pk_answers")),
    )
    op.create_table(
        "scores",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=200), nullable=False),
        sa.Column("raw", sa.Float(), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("percentile", sa.Float(), nullable=True),
        sa.Column("t", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=200), nullable=True),
        sa.Column("norm_table_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["norm_table_id"], ["norm_tables.id"], name=op.f("fk_scores_norm_table_id_norm_tables")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_scores_submission_id_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "dimension", name=op.f("pk_scores")),
    )


def downgrade() -> None:
    op.drop_table("scores")
    op.drop_table("answers")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_submissions_form_id"))

    op.drop_table("submissions")
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forms_round_id"))
        batch_op.drop_index(batch_op.f("ix_forms_pair_id"))

    op.drop_table("forms")
    op.drop_table("round_norms")
    with op.batch_alter_table("round_instruments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_instruments_round_id"))

    op.drop_table("round_instruments")
    with op.batch_alter_table("pairs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairs_round_id"))

    op.drop_table("pairs")
    with op.batch_alter_table("names", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_names_round_id"))

    op.drop_table("names")
    op.drop_table("rounds")
    op.drop_table("norm_tables")
