"""Sync for Expenses (Codat's ``/sync/expenses/...``, ``codat-sync-for-expenses`` 9.x):
card transactions written to the company's accounting connection as direct costs and
direct incomes, adjustments as journal entries, employees' claims as bills, transfers
as transfers; each through one push operation, and followed as syncs.

A sync's status, and each transaction's, is read from those push operations on every
request, so it is exactly what the push engine did. Transactions are checked against
the company's accounting data (as last pulled) and the platform's create models before
anything is pushed; a transaction that fails the check is reported as a
``ValidationError`` in its sync and nothing is written for it. One module per job:

- ``connection.py``: partner expense connection, configuration, mapping options;
- ``transactions.py``: expense transactions and their updates, transfers;
- ``adjustments.py``: adjustment transactions;
- ``reimbursables.py``: reimbursable expense transactions and their updates;
- ``syncs.py``: sync status, transaction results, receipt attachments;
- ``common.py`` (the accounting connection and what transactions are checked against)
  and ``writes.py`` (transactions kept on a sync and handed to the push engine).
"""

from __future__ import annotations

from fastapi import APIRouter

from ledgerport.api.routes.expenses import (
    adjustments,
    connection,
    reimbursables,
    syncs,
    transactions,
)

router = APIRouter()
for _module in (connection, transactions, adjustments, reimbursables, syncs):
    router.include_router(_module.router)
