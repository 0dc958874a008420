"""The sandbox's reference records (chart of accounts, bank account, company info, VAT
rates, items, tracking categories, payment methods, journals) as Codat records, built
through their standard models like every other record."""

from __future__ import annotations

from typing import Any

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.ledger import REFERENCE_CREATED, AccountBalance
from ledgerport.connectors.sandbox.ledger import financial_year as _financial_year
from ledgerport.connectors.sandbox.render import (
    GBP,
    NOT_DELETED,
    Renderer,
    account_ref,
    codat,
    money,
    tax_ref,
)
from ledgerport.domain.accounting import (
    Account,
    BankAccount,
    CompanyInfo,
    Item,
    Journal,
    PaymentMethod,
    TaxRate,
    TrackingCategory,
)

OVERDRAFT_LIMIT = 500_000


def _envelope(renderer: Renderer, record_id: str, modified: int) -> dict[str, Any]:
    return {
        "id": record_id,
        "sourceModifiedDate": renderer.moment(modified),
        "metadata": NOT_DELETED,
    }


def account(renderer: Renderer, line: AccountBalance) -> dict[str, Any]:
    a = line.account
    doc = _envelope(renderer, a.id, line.modified) | {
        "nominalCode": a.code,
        "name": a.name,
        "description": a.description,
        "fullyQualifiedCategory": a.category,
        "fullyQualifiedName": f"{a.category}.{a.name}",
        "currency": a.currency,
        "currentBalance": money(line.balance),
        "type": a.type,
        "status": a.status,
        "isBankAccount": a.is_bank,
    }
    return codat(Account, doc)


def bank_account(renderer: Renderer, line: AccountBalance) -> dict[str, Any]:
    """The current account, under the same id as its ledger account (as Xero does), with
    the ledger's balance; or an account pushed through the API, with its own details."""
    company = renderer.company
    pushed = company.bank_details.get(line.account.code)
    if pushed is not None:
        limit = int(pushed.get("overdraftLimit") or 0)
        doc = _envelope(renderer, line.account.id, line.modified) | {
            "accountName": line.account.name,
            "accountType": pushed.get("accountType") or "Debit",
            "nominalCode": line.account.code,
            "sortCode": pushed.get("sortCode"),
            "accountNumber": pushed.get("accountNumber"),
            "iBan": pushed.get("iBan"),
            "currency": line.account.currency,
            "balance": money(line.balance),
            "institution": pushed.get("institution"),
            "availableBalance": money(line.balance + limit),
            "overdraftLimit": money(limit),
            "status": line.account.status,
        }
        return codat(BankAccount, doc)
    doc = _envelope(renderer, line.account.id, line.modified) | {
        "accountName": line.account.name,
        "accountType": "Debit",
        "nominalCode": line.account.code,
        "sortCode": "40-47-84",
        "accountNumber": company.registration_number[-8:],
        "currency": GBP,
        "balance": money(line.balance),
        "institution": "Severn Bank",
        "availableBalance": money(line.balance + OVERDRAFT_LIMIT),
        "overdraftLimit": money(OVERDRAFT_LIMIT),
        "status": "Active",
    }
    return codat(BankAccount, doc)


def company_info(renderer: Renderer) -> dict[str, Any]:
    company = renderer.company
    _, year_start, _ = _financial_year(company, renderer.as_of)
    locked = company.vat_locked_to
    doc = {
        "companyName": company.name,
        "accountingPlatformRef": company.registration_number,
        "companyLegalName": company.name,
        "addresses": [
            {
                "type": "Billing",
                "line1": company.street,
                "city": company.city,
                "country": "GB",
                "postalCode": company.postcode,
            }
        ],
        "phoneNumbers": [{"number": company.phone, "type": "Landline"}],
        "webLinks": [{"type": "Website", "url": "https://www.example.com"}],
        "ledgerLockDate": renderer.day(locked) if locked is not None else None,
        "registrationNumber": company.registration_number,
        "taxNumber": company.vat_number,
        "financialYearStartDate": year_start.replace(tzinfo=None),
        "baseCurrency": GBP,
        "createdDate": company.start,
    }
    return codat(CompanyInfo, doc)


def tax_rate(renderer: Renderer, rate: c.TaxRateDef) -> dict[str, Any]:
    doc = _envelope(renderer, rate.id, REFERENCE_CREATED) | {
        "name": rate.name,
        "code": rate.code,
        "status": "Active",
        "effectiveTaxRate": rate.rate,
        "totalTaxRate": rate.rate,
        "components": [{"name": rate.name, "rate": rate.rate, "isCompound": False}],
    }
    return codat(TaxRate, doc)


def item(renderer: Renderer, it: c.ItemDef) -> dict[str, Any]:
    doc = _envelope(renderer, it.id, REFERENCE_CREATED) | {
        "name": it.name,
        "code": it.code,
        "itemStatus": "Active",
        "type": it.type,
        "isInvoiceItem": True,
        "invoiceItem": {
            "description": it.name,
            "unitPrice": money(it.price),
            "accountRef": account_ref(it.account),
            "taxRateRef": tax_ref(c.STANDARD),
        },
        "isBillItem": it.cost is not None,
    }
    if it.cost is not None:
        doc["billItem"] = {
            "description": it.name,
            "unitPrice": money(it.cost),
            "accountRef": account_ref(c.MATERIALS),
            "taxRateRef": tax_ref(c.STANDARD),
        }
    return codat(Item, doc)


def tracking_category(renderer: Renderer, category: c.TrackingDef) -> dict[str, Any]:
    has_children = any(other.parent == category.id for other in c.TRACKING)
    doc = _envelope(renderer, category.id, REFERENCE_CREATED) | {
        "name": category.name,
        "status": "Active",
        "parentId": category.parent,
        "hasChildren": has_children,
    }
    return codat(TrackingCategory, doc)


def payment_method(renderer: Renderer, method: c.PaymentMethodDef) -> dict[str, Any]:
    doc = _envelope(renderer, method.id, REFERENCE_CREATED) | {
        "name": method.name,
        "type": method.type,
        "status": method.status,
    }
    return codat(PaymentMethod, doc)


def journal(renderer: Renderer, book: c.JournalDef) -> dict[str, Any]:
    """A journal of the catalog, or one created through the API: dated when it was
    created, modified when it last changed (a child journal added under it)."""
    company = renderer.company
    created = company.journal_created.get(book.id, REFERENCE_CREATED)
    doc = _envelope(renderer, book.id, company.journal_modified.get(book.id, created)) | {
        "journalCode": book.code,
        "name": book.name,
        "type": book.type,
        "parentId": book.parent,
        "hasChildren": any(other.parent == book.id for other in company.journals),
        "createdOn": renderer.moment(created),
        "status": book.status,
    }
    return codat(Journal, doc)
