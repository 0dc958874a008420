"""The sandbox company's fixed reference data: its chart of accounts, VAT rates, items,
tracking categories, payment methods, journals, and the words its names are made of.

A UK services firm (electrical installation and maintenance) keeping Sage-style nominal
codes. Everything here is a constant so the generator and the renderer agree on codes
without passing tables around, and so a test can name an account by its code.
"""

from __future__ import annotations

from dataclasses import dataclass

# Nominal codes the generator posts to, named so the double entries read like a ledger.
EQUIPMENT = "0030"
DEPRECIATION_PROVISION = "0031"
DEBTORS = "1100"
BANK = "1200"
CREDITORS = "2100"
VAT_ON_SALES = "2200"
VAT_ON_PURCHASES = "2201"
VAT_LIABILITY = "2202"
SHARE_CAPITAL = "3000"
DIVIDENDS = "3100"
RETAINED_EARNINGS = "3200"
SALES_SERVICES = "4000"
SALES_MATERIALS = "4010"
MATERIALS = "5000"
SUBCONTRACTORS = "5100"
RENT = "7100"
POWER = "7200"
MOTOR = "7300"
TRAVEL = "7400"
OFFICE = "7500"
TELEPHONE = "7502"
PROFESSIONAL = "7600"
SOFTWARE = "7700"
INSURANCE = "7750"
BANK_CHARGES = "7900"
DEPRECIATION = "8000"


@dataclass(frozen=True)
class AccountDef:
    code: str
    name: str
    type: str  # Codat's AccountType
    category: str  # fullyQualifiedCategory
    description: str
    is_bank: bool = False
    currency: str = "GBP"
    status: str = "Active"

    @property
    def id(self) -> str:
        return f"acc-{self.code}"

    @property
    def is_profit_and_loss(self) -> bool:
        return self.type in ("Income", "Expense")


ACCOUNTS: tuple[AccountDef, ...] = (
    AccountDef(
        EQUIPMENT, "Office Equipment", "Asset", "Asset.Fixed", "Computers, tools and furniture."
    ),
    AccountDef(
        DEPRECIATION_PROVISION,
        "Office Equipment Depreciation",
        "Asset",
        "Asset.Fixed",
        "Accumulated depreciation of office equipment (a credit balance).",
    ),
    AccountDef(
        DEBTORS, "Trade Debtors", "Asset", "Asset.Current", "Invoices issued but not yet paid."
    ),
    AccountDef(
        BANK,
        "Business Current Account",
        "Asset",
        "Asset.Current.Bank",
        "The company's main bank account.",
        is_bank=True,
    ),
    AccountDef(
        CREDITORS,
        "Trade Creditors",
        "Liability",
        "Liability.Current",
        "Bills received but not yet paid.",
    ),
    AccountDef(
        VAT_ON_SALES,
        "VAT on Sales",
        "Liability",
        "Liability.Current.Tax",
        "Output VAT charged on sales since the last VAT return.",
    ),
    AccountDef(
        VAT_ON_PURCHASES,
        "VAT on Purchases",
        "Liability",
        "Liability.Current.Tax",
        "Input VAT reclaimable on purchases since the last VAT return.",
    ),
    AccountDef(
        VAT_LIABILITY,
        "VAT Liability",
        "Liability",
        "Liability.Current.Tax",
        "VAT returned to HMRC but not yet paid.",
    ),
    AccountDef(SHARE_CAPITAL, "Share Capital", "Equity", "Equity.ShareCapital", "Issued shares."),
    AccountDef(DIVIDENDS, "Dividends", "Equity", "Equity.Dividends", "Dividends paid to owners."),
    AccountDef(
        RETAINED_EARNINGS,
        "Retained Earnings",
        "Equity",
        "Equity.RetainedEarnings",
        "Profits of earlier financial years kept in the business.",
    ),
    AccountDef(
        SALES_SERVICES, "Sales - Services", "Income", "Income.Revenue", "Labour and services."
    ),
    AccountDef(
        SALES_MATERIALS, "Sales - Materials", "Income", "Income.Revenue", "Materials resold."
    ),
    AccountDef(
        MATERIALS, "Materials Purchased", "Expense", "Expense.CostOfSales", "Parts for jobs."
    ),
    AccountDef(
        SUBCONTRACTORS, "Subcontractors", "Expense", "Expense.CostOfSales", "Labour bought in."
    ),
    AccountDef(RENT, "Rent and Rates", "Expense", "Expense.Overheads", "Workshop and office."),
    AccountDef(POWER, "Light, Heat and Power", "Expense", "Expense.Overheads", "Energy."),
    AccountDef(MOTOR, "Motor Expenses", "Expense", "Expense.Overheads", "Fuel and van costs."),
    AccountDef(TRAVEL, "Travel and Subsistence", "Expense", "Expense.Overheads", "Trips."),
    AccountDef(OFFICE, "Office Costs", "Expense", "Expense.Overheads", "Stationery, sundries."),
    AccountDef(TELEPHONE, "Telephone and Internet", "Expense", "Expense.Overheads", "Phones."),
    AccountDef(
        PROFESSIONAL, "Accountancy and Legal", "Expense", "Expense.Overheads", "Advisers' fees."
    ),
    AccountDef(SOFTWARE, "Software", "Expense", "Expense.Overheads", "Subscriptions."),
    AccountDef(INSURANCE, "Insurance", "Expense", "Expense.Overheads", "Business insurance."),
    AccountDef(BANK_CHARGES, "Bank Charges", "Expense", "Expense.Overheads", "Bank fees."),
    AccountDef(
        DEPRECIATION, "Depreciation", "Expense", "Expense.Overheads", "Equipment written down."
    ),
)
ACCOUNT_BY_CODE = {account.code: account for account in ACCOUNTS}


@dataclass(frozen=True)
class TaxRateDef:
    id: str
    code: str
    name: str
    rate: int  # percent


STANDARD = TaxRateDef("tax-s", "S", "20% (VAT)", 20)
REDUCED = TaxRateDef("tax-r", "R", "5% (VAT)", 5)
ZERO = TaxRateDef("tax-z", "Z", "Zero rated", 0)
EXEMPT = TaxRateDef("tax-e", "E", "Exempt", 0)
NO_VAT = TaxRateDef("tax-n", "N", "No VAT", 0)
TAX_RATES: tuple[TaxRateDef, ...] = (STANDARD, REDUCED, ZERO, EXEMPT, NO_VAT)


def vat(net: int, rate: TaxRateDef) -> int:
    """VAT in pence on a net amount in pence, rounded half up (HMRC allows either way)."""
    return (net * rate.rate + 50) // 100


@dataclass(frozen=True)
class TrackingDef:
    id: str
    name: str
    parent: str | None = None


DEPT_INSTALL = TrackingDef("trk-dept-inst", "Installations", "trk-dept")
DEPT_MAINTAIN = TrackingDef("trk-dept-maint", "Maintenance", "trk-dept")
DEPT_CONSULT = TrackingDef("trk-dept-cons", "Consulting", "trk-dept")
REGIONS: tuple[TrackingDef, ...] = (
    TrackingDef("trk-reg-bristol", "Bristol", "trk-region"),
    TrackingDef("trk-reg-bath", "Bath", "trk-region"),
    TrackingDef("trk-reg-cardiff", "Cardiff", "trk-region"),
)
TRACKING: tuple[TrackingDef, ...] = (
    TrackingDef("trk-dept", "Department"),
    DEPT_INSTALL,
    DEPT_MAINTAIN,
    DEPT_CONSULT,
    TrackingDef("trk-region", "Region"),
    *REGIONS,
)
TRACKING_BY_ID = {category.id: category for category in TRACKING}


@dataclass(frozen=True)
class ItemDef:
    id: str
    code: str
    name: str
    type: str  # Codat's ItemType
    price: int  # selling price, pence
    account: str
    department: str  # tracking category id
    quantity: tuple[int, int]  # how many a typical invoice line has
    cost: int | None = None  # buying price for items also bought in


ITEMS: tuple[ItemDef, ...] = (
    ItemDef("itm-consult", "CONS-HR", "Consultancy (per hour)", "Service", 8500, SALES_SERVICES,
            DEPT_CONSULT.id, (1, 8)),
    ItemDef("itm-install", "INST-DAY", "Installation (per day)", "Service", 45000, SALES_SERVICES,
            DEPT_INSTALL.id, (1, 3)),
    ItemDef("itm-maint", "MAINT-VISIT", "Maintenance visit", "Service", 12000, SALES_SERVICES,
            DEPT_MAINTAIN.id, (1, 2)),
    ItemDef("itm-train", "TRAIN-SESS", "Training session", "Service", 35000, SALES_SERVICES,
            DEPT_CONSULT.id, (1, 1)),
    ItemDef("itm-support", "SUPPORT-MTH", "Monthly support retainer", "Service", 25000,
            SALES_SERVICES, DEPT_MAINTAIN.id, (1, 1)),
    ItemDef("itm-cable", "MAT-CABLE", "Cable, 100m drum", "NonInventory", 6500, SALES_MATERIALS,
            DEPT_INSTALL.id, (1, 6), cost=4200),
    ItemDef("itm-fittings", "MAT-FIT", "Fittings pack", "NonInventory", 2400, SALES_MATERIALS,
            DEPT_INSTALL.id, (1, 10), cost=1500),
    ItemDef("itm-panel", "MAT-PANEL", "Distribution board", "NonInventory", 38000,
            SALES_MATERIALS, DEPT_INSTALL.id, (1, 2), cost=26000),
    ItemDef("itm-sensor", "MAT-SENSOR", "Sensor unit", "NonInventory", 8900, SALES_MATERIALS,
            DEPT_INSTALL.id, (1, 4), cost=5600),
)  # fmt: skip
ITEM_BY_ID = {item.id: item for item in ITEMS}
MATERIAL_ITEMS = tuple(item for item in ITEMS if item.cost is not None)
# How often each item is sold: labour mostly, materials alongside.
ITEM_WEIGHTS = (30, 12, 25, 5, 8, 8, 8, 2, 4)


@dataclass(frozen=True)
class PaymentMethodDef:
    id: str
    name: str
    type: str  # Codat's PaymentMethodType
    status: str = "Active"


BACS = PaymentMethodDef("pm-bacs", "Bank transfer", "BankTransfer")
CARD = PaymentMethodDef("pm-card", "Debit card", "DebitCard")
DIRECT_DEBIT = PaymentMethodDef("pm-dd", "Direct Debit", "Other")
CHEQUE = PaymentMethodDef("pm-cheque", "Cheque", "Check")
CASH = PaymentMethodDef("pm-cash", "Cash", "Cash", status="Archived")
PAYMENT_METHODS: tuple[PaymentMethodDef, ...] = (BACS, CARD, DIRECT_DEBIT, CHEQUE, CASH)


@dataclass(frozen=True)
class JournalDef:
    """A journal (book) entries are posted to: the five below, or one created through
    the API (write-back), which may have no code and may sit under a parent journal."""

    id: str
    code: str | None
    name: str
    type: str
    parent: str | None = None  # the parent journal's id
    status: str = "Active"  # Codat's journalStatus: Active or Archived


SALES_JOURNAL = JournalDef("jnl-sales", "SJ", "Sales", "Sales")
PURCHASES_JOURNAL = JournalDef("jnl-purchases", "PJ", "Purchases", "Purchases")
RECEIPTS_JOURNAL = JournalDef("jnl-receipts", "CR", "Cash receipts", "CashReceipts")
PAYMENTS_JOURNAL = JournalDef("jnl-payments", "CP", "Cash payments", "CashPayments")
GENERAL_JOURNAL = JournalDef("jnl-general", "GJ", "General", "General")
JOURNALS: tuple[JournalDef, ...] = (
    SALES_JOURNAL,
    PURCHASES_JOURNAL,
    RECEIPTS_JOURNAL,
    PAYMENTS_JOURNAL,
    GENERAL_JOURNAL,
)


@dataclass(frozen=True)
class SupplierKind:
    """What a supplier sells: where its bills are posted, at what VAT, how big they are
    (net, pence) and how soon they must be paid."""

    suffix: str
    account: str
    tax: TaxRateDef
    net: tuple[int, int]
    terms: int
    description: str
    department: str | None = None


MATERIALS_KIND = SupplierKind(
    "Electrical Wholesale", MATERIALS, STANDARD, (0, 0), 30, "Materials", DEPT_INSTALL.id
)
SUPPLIER_KINDS: tuple[tuple[SupplierKind, int], ...] = (
    (MATERIALS_KIND, 22),
    (SupplierKind("Contracting", SUBCONTRACTORS, STANDARD, (15000, 120000), 30,
                  "Subcontracted labour", DEPT_INSTALL.id), 20),
    (SupplierKind("Properties", RENT, STANDARD, (120000, 180000), 14, "Workshop rent"), 2),
    (SupplierKind("Energy", POWER, REDUCED, (15000, 40000), 14, "Electricity and gas"), 2),
    (SupplierKind("Fuel Cards", MOTOR, STANDARD, (8000, 30000), 14, "Fuel"), 3),
    (SupplierKind("Travel", TRAVEL, ZERO, (2000, 20000), 30, "Rail and travel"), 3),
    (SupplierKind("Office Supplies", OFFICE, STANDARD, (2000, 25000), 30, "Office supplies"), 9),
    (SupplierKind("Telecom", TELEPHONE, STANDARD, (4500, 12000), 14, "Phones and broadband"), 3),
    (SupplierKind("Accountants LLP", PROFESSIONAL, STANDARD, (25000, 75000), 30,
                  "Accountancy services"), 2),
    (SupplierKind("Software Ltd", SOFTWARE, STANDARD, (1000, 20000), 7, "Subscription"), 10),
    (SupplierKind("Insurance Services", INSURANCE, EXEMPT, (8000, 50000), 30, "Premium"), 4),
)  # fmt: skip

# Direct costs: paid on the spot by card, no bill in between.
DIRECT_COST_KINDS: tuple[tuple[str, str, TaxRateDef, tuple[int, int]], ...] = (
    ("Fuel", MOTOR, STANDARD, (3000, 9000)),
    ("Parking", MOTOR, STANDARD, (300, 2000)),
    ("Train fare", TRAVEL, ZERO, (1500, 12000)),
    ("Lunch meeting", TRAVEL, STANDARD, (1500, 6000)),
    ("Stationery", OFFICE, STANDARD, (500, 4000)),
    ("Postage", OFFICE, EXEMPT, (200, 2500)),
)
DIRECT_COST_WEIGHTS = (30, 15, 10, 10, 10, 5)

FIRST_WORDS = (
    "Acme", "Birch", "Cobalt", "Dunmore", "Elm", "Fairway", "Granite", "Harbour", "Ivy",
    "Juniper", "Kestrel", "Larch", "Meridian", "Northgate", "Oakridge", "Pinnacle", "Quarry",
    "Riverside", "Summit", "Thornbury", "Upland", "Vale", "Westbrook", "Yarrow", "Zenith",
)  # fmt: skip
CUSTOMER_TRADES = (
    "Bakery", "Builders", "Consulting", "Dental", "Engineering", "Florists", "Garage", "Hair",
    "Interiors", "Joinery",
)  # fmt: skip
PEOPLE = (
    "Amelia Hart", "Ben Okafor", "Chloe Evans", "Dev Patel", "Ellie Morgan", "Finn Walsh",
    "Grace Lewis", "Harry Nguyen", "Isla Reid", "Jack Davies", "Keira Shah", "Leo Price",
)  # fmt: skip
# City, postcode prefix, region tracking category, phone area code.
PLACES = (
    ("Bristol", "BS1", REGIONS[0].id, "0117"),
    ("Bath", "BA1", REGIONS[1].id, "01225"),
    ("Cardiff", "CF10", REGIONS[2].id, "029"),
)
STREETS = ("High Street", "Station Road", "Mill Lane", "Church Street", "Victoria Road")
