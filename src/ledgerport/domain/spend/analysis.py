"""The whole spend analysis: every section, from the company's documents and a date.

Pure and deterministic: the same documents and options always give the same report
(lists are ordered with ties broken by id), so a stored report can be checked against
a fresh run, and the portal can render the same dict the API stores.
"""

from __future__ import annotations

from typing import Any

from ledgerport.domain.spend.behaviour import behaviour_section
from ledgerport.domain.spend.books import Books, SpendInputs, SpendOptions, build_books
from ledgerport.domain.spend.codat import payment_method_analysis, supplier_analysis
from ledgerport.domain.spend.duplicates import duplicates_section
from ledgerport.domain.spend.recurring import recurring_section
from ledgerport.domain.spend.suppliers import suppliers_section
from ledgerport.domain.spend.totals import categories_section, spend_section

REPORT_TYPE = "spendAnalysis"


def _currencies(books: Books) -> dict[str, Any]:
    return {
        "baseCurrency": books.base_currency,
        "conversion": (
            "Foreign-currency documents are converted with their own currencyRate "
            "(base = amount x rate); those without one are left out of every amount."
        ),
        "unconvertedBills": [
            {"currency": currency, "count": count}
            for currency, count in sorted(books.unconverted.items())
        ],
    }


def analyse_books(books: Books) -> dict[str, Any]:
    options = books.options
    return {
        "reportType": REPORT_TYPE,
        "asOf": options.today.isoformat(),
        "fromDate": books.start.isoformat(),
        "toDate": options.today.isoformat(),
        "months": options.months,
        "currencies": _currencies(books),
        "spend": spend_section(books),
        "suppliers": suppliers_section(books),
        "categories": categories_section(books),
        "paymentBehaviour": behaviour_section(books),
        "recurringSuppliers": recurring_section(books),
        "duplicateBills": duplicates_section(books),
        "supplierAnalysis": supplier_analysis(books),
        "paymentMethodAnalysis": payment_method_analysis(books),
    }


def analyse_spend(inputs: SpendInputs, options: SpendOptions) -> dict[str, Any]:
    """The spend analysis of ``inputs`` as of ``options.today``, as a JSON-ready dict."""
    return analyse_books(build_books(inputs, options))
