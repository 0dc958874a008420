"""Spend analysis of a company's payables: pure functions over Codat-shaped documents
(bills, bill payments, suppliers, bill credit notes, chart of accounts, payment methods,
direct costs, company info) and a date, with no I/O. ``analyse_spend`` gives the whole
report as a JSON-ready dict (what the API stores and the portal renders);
``workbook.spend_workbook`` renders it as an Excel file. Each section's module
docstring defines its figures.
"""

from ledgerport.domain.spend.analysis import REPORT_TYPE, analyse_books, analyse_spend
from ledgerport.domain.spend.books import (
    Books,
    SpendInputs,
    SpendOptions,
    SpendOptionsError,
    build_books,
)

__all__ = [
    "REPORT_TYPE",
    "Books",
    "SpendInputs",
    "SpendOptions",
    "SpendOptionsError",
    "analyse_books",
    "analyse_spend",
    "build_books",
]
