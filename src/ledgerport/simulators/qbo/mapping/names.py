"""Name lists and company settings: Account, Customer, Vendor, Item, TaxCode, TaxRate,
Class (the sandbox's departments, a line-level category) and Department (its regions,
QBO's location per transaction), and CompanyInfo."""

from __future__ import annotations

from datetime import date, datetime

from ledgerport.connectors.sandbox import catalog as c
from ledgerport.connectors.sandbox.ledger import AccountBalance
from ledgerport.connectors.sandbox.state import Company, Party
from ledgerport.simulators.qbo.entities import from_sandbox
from ledgerport.simulators.qbo.mapping.common import (
    GBP_REF,
    Json,
    account_ref,
    envelope,
    pounds,
    ref,
    tax_code_name,
    tax_rate_id,
)

# Codat category -> (Classification, AccountType, AccountSubType), as QBO names them.
_ACCOUNT_TYPES: dict[str, tuple[str, str, str]] = {
    "Asset.Fixed": ("Asset", "Fixed Asset", "MachineryAndEquipment"),
    "Asset.Current": ("Asset", "Accounts Receivable", "AccountsReceivable"),
    "Asset.Current.Bank": ("Asset", "Bank", "Checking"),
    "Liability.Current": ("Liability", "Accounts Payable", "AccountsPayable"),
    "Liability.Current.Tax": ("Liability", "Other Current Liability", "GlobalTaxPayable"),
    "Equity.ShareCapital": ("Equity", "Equity", "ShareCapital"),
    "Equity.Dividends": ("Equity", "Equity", "DividendDisbursed"),
    "Equity.RetainedEarnings": ("Equity", "Equity", "RetainedEarnings"),
    "Income.Revenue": ("Revenue", "Income", "ServiceFeeIncome"),
    "Expense.CostOfSales": ("Expense", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    "Expense.Overheads": ("Expense", "Expense", "OtherMiscellaneousServiceCost"),
}
_SUBTYPES = {
    c.DEPRECIATION_PROVISION: "AccumulatedDepreciation",
    c.VAT_ON_PURCHASES: "GlobalTaxSuspense",
    c.SALES_MATERIALS: "SalesOfProductIncome",
    c.SUBCONTRACTORS: "CostOfLabourCos",
    c.RENT: "RentOrLeaseOfBuildings",
    c.POWER: "Utilities",
    c.MOTOR: "Auto",
    c.TRAVEL: "Travel",
    c.OFFICE: "OfficeGeneralAdministrativeExpenses",
    c.TELEPHONE: "Utilities",
    c.PROFESSIONAL: "LegalProfessionalFees",
    c.INSURANCE: "Insurance",
    c.BANK_CHARGES: "BankCharges",
    c.DEPRECIATION: "Depreciation",
}
_CLASS_PARENT, _DEPARTMENT_PARENT = "trk-dept", "trk-region"


def account_type(category: str, code: str) -> tuple[str, str, str]:
    classification, account_type, subtype = _ACCOUNT_TYPES.get(
        category, _ACCOUNT_TYPES[".".join(category.split(".")[:2])]
    )
    if code == c.DEPRECIATION:
        account_type = "Other Expense"
    return classification, account_type, _SUBTYPES.get(code, subtype)


def account(co: Company, line: AccountBalance) -> Json:
    """A ledger account; ``CurrentBalance`` is kept for balance-sheet accounts only, as
    QBO does, credit balances (liabilities, equity) shown positive."""
    a = line.account
    classification, kind, subtype = account_type(a.category, a.code)
    balance = 0
    if classification == "Asset":
        balance = line.balance
    elif classification in ("Liability", "Equity"):
        balance = -line.balance
    created = co.moment(co.account_created.get(a.code, -24 * 30))
    return envelope(from_sandbox("Account", a.id), 0, created, co.moment(line.modified)) | {
        "Name": a.name,
        "AcctNum": a.code,
        "FullyQualifiedName": a.name,
        "SubAccount": False,
        "Active": a.status == "Active",
        "Classification": classification,
        "AccountType": kind,
        "AccountSubType": subtype,
        "Description": a.description,
        "CurrentBalance": pounds(balance),
        "CurrentBalanceWithSubAccounts": pounds(balance),
        "CurrencyRef": GBP_REF,
    }


def _person(party: Party) -> Json:
    given, _, family = party.contact.partition(" ")
    result: Json = {
        "DisplayName": party.name,
        "CompanyName": party.name,
        "PrintOnCheckName": party.name,
        "FullyQualifiedName": party.name,
        "Active": party.status == "Active",
        "CurrencyRef": {"value": party.currency, "name": "British Pound Sterling"},
    }
    if given:
        result["GivenName"] = given
    if family:
        result["FamilyName"] = family
    if party.email:
        result["PrimaryEmailAddr"] = {"Address": party.email}
    if party.phone:
        result["PrimaryPhone"] = {"FreeFormNumber": party.phone}
    if any((party.street, party.city, party.postcode)):
        result["BillAddr"] = {
            "Line1": party.street,
            "City": party.city,
            "PostalCode": party.postcode,
            "Country": "GB",
        }
    return result


def _party_envelope(co: Company, kind: str, party: Party) -> Json:
    token = 0 if party.modified is None else 1
    created, updated = co.moment(party.created), co.moment(party.last_modified)
    return envelope(from_sandbox(kind, party.id), token, created, updated)


def customer(co: Company, party: Party, balance: int) -> Json:
    result = _party_envelope(co, "Customer", party) | _person(party)
    result |= {
        "Taxable": True,
        "Job": False,
        "BillWithParent": False,
        "IsProject": False,
        "Balance": pounds(balance),
        "BalanceWithJobs": pounds(balance),
        "PreferredDeliveryMethod": "Email",
    }
    if party.vat_number:
        result["PrimaryTaxIdentifier"] = party.vat_number
    return result


def vendor(co: Company, party: Party, balance: int) -> Json:
    result = _party_envelope(co, "Vendor", party) | _person(party)
    return result | {"Balance": pounds(balance), "Vendor1099": False}


def item(co: Company, it: c.ItemDef, created: datetime) -> Json:
    account = c.ACCOUNT_BY_CODE[it.account]
    result = envelope(from_sandbox("Item", it.id), 0, created, created) | {
        "Name": it.name,
        "Sku": it.code,
        "Description": it.name,
        "FullyQualifiedName": it.name,
        "Active": True,
        "SubItem": False,
        "Taxable": True,
        "Type": "Service" if it.type == "Service" else "NonInventory",
        "UnitPrice": pounds(it.price),
        "IncomeAccountRef": account_ref(account),
        "SalesTaxCodeRef": ref(from_sandbox("TaxCode", c.STANDARD.id), tax_code_name(c.STANDARD)),
        "TrackQtyOnHand": False,
    }
    if it.cost is not None:
        result["PurchaseCost"] = pounds(it.cost)
        result["PurchaseDesc"] = it.name
        result["ExpenseAccountRef"] = account_ref(c.ACCOUNT_BY_CODE[c.MATERIALS])
        result["PurchaseTaxCodeRef"] = result["SalesTaxCodeRef"]
    return result


def tax_code(rate: c.TaxRateDef, created: datetime) -> Json:
    def rates(sales: bool) -> Json:
        suffix = "sales" if sales else "purchases"
        detail = {
            "TaxRateRef": ref(tax_rate_id(rate, sales=sales), f"{tax_code_name(rate)} ({suffix})"),
            "TaxTypeApplicable": "TaxOnAmount",
            "TaxOrder": 0,
        }
        return {"TaxRateDetail": [detail]}

    return envelope(from_sandbox("TaxCode", rate.id), 0, created, created) | {
        "Name": tax_code_name(rate),
        "Description": rate.name,
        "Active": True,
        "Hidden": False,
        "Taxable": rate.code not in ("E", "N"),
        "TaxGroup": False,
        "SalesTaxRateList": rates(True),
        "PurchaseTaxRateList": rates(False),
    }


def tax_rates(rate: c.TaxRateDef, created: datetime) -> list[Json]:
    """The sales and the purchase rate of a tax code."""
    out = []
    for sales in (True, False):
        suffix = "sales" if sales else "purchases"
        out.append(
            envelope(tax_rate_id(rate, sales=sales), 0, created, created)
            | {
                "Name": f"{tax_code_name(rate)} ({suffix})",
                "Description": f"{rate.name}, {suffix}",
                "Active": True,
                "RateValue": rate.rate,
                "AgencyRef": ref("1", "HMRC"),
                "SpecialTaxType": "NONE",
                "DisplayType": "ReadOnly",
            }
        )
    return out


def tracking(category: c.TrackingDef, created: datetime) -> tuple[str, Json] | None:
    """A tracking option as a Class (departments) or a Department (regions); None for
    the two parent categories themselves."""
    kind = {_CLASS_PARENT: "Class", _DEPARTMENT_PARENT: "Department"}.get(category.parent or "")
    if kind is None:
        return None
    sub = "SubClass" if kind == "Class" else "SubDepartment"
    return kind, envelope(from_sandbox(kind, category.id), 0, created, created) | {
        "Name": category.name,
        sub: False,
        "FullyQualifiedName": category.name,
        "Active": True,
    }


def tracking_ref(category_id: str) -> tuple[str, Json] | None:
    category = c.TRACKING_BY_ID.get(category_id)
    if category is None:
        return None
    kind = {_CLASS_PARENT: "Class", _DEPARTMENT_PARENT: "Department"}.get(category.parent or "")
    if kind is None:
        return None
    return kind, ref(from_sandbox(kind, category.id), category.name)


def company_info(co: Company, updated: datetime) -> Json:
    address = {
        "Id": "1",
        "Line1": co.street,
        "City": co.city,
        "PostalCode": co.postcode,
        "Country": "GB",
    }
    return envelope("1", 0, co.start, updated) | {
        "CompanyName": co.name,
        "LegalName": co.name,
        "CompanyAddr": address,
        "LegalAddr": address,
        "CustomerCommunicationAddr": address,
        "PrimaryPhone": {"FreeFormNumber": co.phone},
        "Email": {"Address": "accounts@example.com"},
        "WebAddr": {"URI": "https://www.example.com"},
        "CompanyStartDate": co.start_date.isoformat(),
        "FiscalYearStartMonth": "April",
        "Country": "GB",
        "SupportedLanguages": "en",
        "NameValue": [
            {"Name": "CompanyType", "Value": "Limited Company"},
            {"Name": "OfferingSku", "Value": "QuickBooks Online Plus"},
            {"Name": "SubscriptionStatus", "Value": "PAID"},
            {"Name": "CompanyRegistrationNumber", "Value": co.registration_number},
            {"Name": "VATNumber", "Value": co.vat_number},
        ],
    }


def preferences(co: Company, updated: datetime, book_close: date | None) -> Json:
    """The company's settings, as Intuit's Preferences reference lays them out: a UK
    company in GBP, VAT on, classes per line and locations per transaction (the
    sandbox's departments and regions), its year from April, its VAT-locked period as
    the book close date."""
    accounting: Json = {
        "FirstMonthOfFiscalYear": "April",
        "UseAccountNumbers": True,
        "TaxYearMonth": "April",
        "ClassTrackingPerTxn": False,
        "ClassTrackingPerTxnLine": True,
        "TrackDepartments": True,
        "DepartmentTerminology": "Location",
        "CustomerTerminology": "Customers",
    }
    if book_close is not None:
        accounting["BookCloseDate"] = book_close.isoformat()
    return envelope("1", 0, co.start, updated) | {
        "AccountingInfoPrefs": accounting,
        "ProductAndServicesPrefs": {
            "ForSales": True,
            "ForPurchase": True,
            "QuantityWithPriceAndRate": True,
            "QuantityOnHand": False,
        },
        "SalesFormsPrefs": {
            "AllowDeposit": False,
            "AllowDiscount": False,
            "AllowEstimates": False,
            "AllowServiceDate": False,
            "AllowShipping": False,
            "CustomTxnNumbers": True,
            "ETransactionEnabledStatus": "Enabled",
        },
        "VendorAndPurchasesPrefs": {"BillableExpenseTracking": False, "TrackingByCustomer": False},
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": True},
        "CurrencyPrefs": {
            "MultiCurrencyEnabled": False,
            "HomeCurrency": {"value": "GBP", "name": "British Pound Sterling"},
        },
        "ReportPrefs": {"ReportBasis": "Accrual", "CalcAgingReportFromTxnDate": False},
    }
