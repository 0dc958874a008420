"""Financial statements (balance sheet, profit and loss, cash flow) computed from the
chart of accounts and the journal entries. Pure: documents in, Codat-shaped reports out."""

from ledgerport.domain.reports.ledger import Ledger, LedgerAccount, Section, classify
from ledgerport.domain.reports.periods import (
    Period,
    ReportRequest,
    ReportRequestError,
    parse_start_month,
)
from ledgerport.domain.reports.statements import (
    UNKNOWN_CURRENCY,
    StatementOptions,
    balance_sheet,
    cash_flow_statement,
    profit_and_loss,
)

__all__ = [
    "UNKNOWN_CURRENCY",
    "Ledger",
    "LedgerAccount",
    "Period",
    "ReportRequest",
    "ReportRequestError",
    "Section",
    "StatementOptions",
    "balance_sheet",
    "cash_flow_statement",
    "classify",
    "parse_start_month",
    "profit_and_loss",
]
