"""Translator tooling: templates, new locales, merging, status, checks, drafts, review.

The runtime side (reading PO files, fallback) is :mod:`relscale.i18n`; this package
produces and maintains the PO files it reads. Every ``relscale i18n`` command is one
function here, usable from Python with the same errors::

    from relscale import translation

    translation.extract(Path("locale-templates"))
    translation.init_locale("de", root=Path("my-locales"))
    problems = translation.check(locales=["nl"])

Templates are built on demand from the sources (``_()`` / ``N_()`` in core's Python,
``instrument_messages`` and ``sector_messages`` over the registry), so they can never be
stale. The command line's ``--help`` texts belong in the ``relscale`` template too; the
library does not import the command line, so the functions that build templates take them
as ``help_messages`` (``relscale.cli.help_i18n.help_texts(relscale.cli.main.cli_command())``,
as ``relscale i18n`` passes them).

Modules: :mod:`~relscale.translation.domains` (domains, target locales),
:mod:`~relscale.translation.help_texts` (``--help`` texts as messages),
:mod:`~relscale.translation.templates`, :mod:`~relscale.translation.catalogs` (PO files),
:mod:`~relscale.translation.update` (extract, init, merge, update),
:mod:`~relscale.translation.checks` (status, check), :mod:`~relscale.translation.drafts`,
:mod:`~relscale.translation.review` (review rows; the workbook is
:mod:`relscale.workbooks.review`), :mod:`~relscale.translation.locales`.
babel and openpyxl are imported inside the functions that need them.
"""

from relscale.translation.catalogs import (
    CatalogFile,
    CatalogSyntaxError,
    catalog_locales,
    existing_catalogs,
    read_catalog,
    write_catalog,
)
from relscale.translation.checks import (
    CatalogStatus,
    Problem,
    catalog_status,
    check,
    check_catalog,
    placeholders,
    shipped_locales,
    status,
)
from relscale.translation.domains import Domain, domains, select_domains, target_locale
from relscale.translation.drafts import (
    REFERENCE_SECTOR,
    DraftResult,
    default_draft_path,
    draft,
    substitute_terms,
    write_draft,
)
from relscale.translation.help_texts import HELP_CONTEXT, HelpText, add_help_messages
from relscale.translation.locales import LocaleSummary, locale_summaries
from relscale.translation.review import ReviewResult, review_rows, write_sector_review
from relscale.translation.templates import (
    CORE_PACKAGE_DIR,
    instrument_comments,
    instruments_template,
    new_catalog,
    sector_comments,
    sector_template,
    template,
    ui_template,
)
from relscale.translation.update import (
    InitResult,
    MergeResult,
    NothingCreatedError,
    UpdateResult,
    extract,
    init_locale,
    merge,
    update_locales,
)
from relscale.workbooks.review import (
    CATALOG_STATES,
    REVIEW_STATUSES,
    ReviewRow,
    build_review,
    write_review,
)

__all__ = [
    "CATALOG_STATES",
    "CORE_PACKAGE_DIR",
    "HELP_CONTEXT",
    "REFERENCE_SECTOR",
    "REVIEW_STATUSES",
    "CatalogFile",
    "CatalogStatus",
    "CatalogSyntaxError",
    "Domain",
    "DraftResult",
    "HelpText",
    "InitResult",
    "LocaleSummary",
    "MergeResult",
    "NothingCreatedError",
    "Problem",
    "ReviewResult",
    "ReviewRow",
    "UpdateResult",
    "add_help_messages",
    "build_review",
    "catalog_locales",
    "catalog_status",
    "check",
    "check_catalog",
    "default_draft_path",
    "domains",
    "draft",
    "existing_catalogs",
    "extract",
    "init_locale",
    "instrument_comments",
    "instruments_template",
    "locale_summaries",
    "merge",
    "new_catalog",
    "placeholders",
    "read_catalog",
    "review_rows",
    "sector_comments",
    "sector_template",
    "select_domains",
    "shipped_locales",
    "status",
    "substitute_terms",
    "target_locale",
    "template",
    "ui_template",
    "update_locales",
    "write_catalog",
    "write_draft",
    "write_review",
    "write_sector_review",
]
