from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.test_auth import assert_codat_error

SEED_PLATFORMS = {
    "pdvj": "MYOB Business",
    "akxx": "Oracle NetSuite",
    "qhyg": "QuickBooks Online",
    "pqsw": "QuickBooks Desktop",
    "knfz": "Sage Intacct",
    "gbol": "Xero",
    "mqjo": "Sandbox",
}


def test_lists_the_seed_platforms(client: TestClient) -> None:
    page = client.get("/integrations", params={"pageSize": 100}).json()
    got = {i["key"]: i["name"] for i in page["results"]}
    assert got.items() >= SEED_PLATFORMS.items()
    assert page["totalResults"] == len(page["results"])
    for integration in page["results"]:
        assert integration["logoUrl"].startswith("http")
        assert integration["enabled"] is True
        # The partner expense integration is the one connection an expense app makes;
        # file upload is no accounting platform (nothing is written back to it).
        expected = {"pexp": "Expense", "fupl": "Other"}.get(integration["key"], "Accounting")
        assert integration["sourceType"] == expected


FILES = ("GetAttachments", "GetAttachment", "DownloadAttachment")
# What the Xero and QuickBooks Online connectors read and write, as their declarations
# say and their tests show. Files are claimed where Codat has attachment routes for the
# data type and the platform keeps files on its records (Xero's files on bank
# transactions and credit notes are pulled, but Codat serves no route for them).
OAUTH_PLATFORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "gbol": {
        "bankAccounts": ("Get", "Post", "Put"),
        "bankTransactions": ("Get",),
        "billCreditNotes": ("Get", "Post", "Put"),
        "billPayments": ("Get", "Post"),
        "bills": ("Get", "Post", "Put", *FILES, "UploadAttachment"),
        "chartOfAccounts": ("Get",),
        "company": ("Get",),
        "creditNotes": ("Get", "Post", "Put"),
        "customers": ("Get", "Post", "Put", *FILES),
        "directCosts": ("Get", *FILES),
        "directIncomes": ("Get", *FILES),
        "invoices": ("Get", "Post", "Put", *FILES, "UploadAttachment"),
        "items": ("Get",),
        "journalEntries": ("Get",),
        "payments": ("Get", "Post"),
        "suppliers": ("Get", "Post", "Put", *FILES),
        "taxRates": ("Get",),
        "trackingCategories": ("Get",),
    },
    "qhyg": {
        "bankAccounts": ("Get",),
        "billCreditNotes": ("Get", "Post", "Put", "Delete"),
        "billPayments": ("Get", "Post", "Put", "Delete"),
        "bills": ("Get", "Post", "Put", "Delete", *FILES),
        "chartOfAccounts": ("Get", "Post", "Put"),
        "company": ("Get",),
        "creditNotes": ("Get", "Post", "Put", "Delete"),
        "customers": ("Get", "Post", "Put"),
        "invoices": ("Get", "Post", "Put", "Delete", *FILES),
        "items": ("Get",),
        "journalEntries": ("Get",),
        "payments": ("Get", "Post", "Put", "Delete"),
        "suppliers": ("Get", "Post", "Put"),
        "taxRates": ("Get",),
        "trackingCategories": ("Get",),
    },
}


def test_features_are_honest(client: TestClient) -> None:
    # Only what a connector actually reads is claimed: every data type the sandbox's
    # books generate, and the files on its invoices and bills (customers, suppliers and
    # direct costs have the routes, but the sandbox keeps no files on them); nothing
    # else, and nothing on the platforms without readers.
    sandbox = {
        "company", "chartOfAccounts", "taxRates", "trackingCategories", "paymentMethods",
        "journals", "items", "customers", "suppliers", "bankAccounts", "invoices",
        "creditNotes", "payments", "bills", "billCreditNotes", "billPayments", "directCosts",
        "bankTransactions", "journalEntries", "directIncomes", "transfers",
    }  # fmt: skip
    # ...and what its writer does (Post = create, Put = update; deleting a file has no
    # Codat feature type, so bills, invoices, direct costs and incomes claim nothing more).
    writes = {
        "bankAccounts": ("Post", "Put"),
        "billCreditNotes": ("Post", "Put"),
        "billPayments": ("Post", "Delete"),
        "bills": ("Post", "Put", "Delete", "UploadAttachment"),
        "chartOfAccounts": ("Post",),
        "creditNotes": ("Post", "Put"),
        "customers": ("Post", "Put"),
        "directCosts": ("Post", "Put", "Delete", "UploadAttachment"),
        "directIncomes": ("Post", "Put", "UploadAttachment"),
        "invoices": ("Post", "Put", "Delete", "UploadAttachment"),
        "journalEntries": ("Post", "Delete"),
        "journals": ("Post",),
        "payments": ("Post",),
        "suppliers": ("Post", "Put"),
        "transfers": ("Post",),
    }
    for key in SEED_PLATFORMS:
        integration = client.get(f"/integrations/{key}").json()
        claimed = {
            (dt["dataType"], f["featureType"])
            for dt in integration["datatypeFeatures"]
            for f in dt["supportedFeatures"]
            if f["featureState"] != "NotImplemented"
        }
        expected: set[tuple[str, str]] = set()
        if key == "mqjo":
            files = ("GetAttachments", "GetAttachment", "DownloadAttachment")
            expected = {(dt, "Get") for dt in sandbox}
            with_files = ("invoices", "bills", "directCosts", "directIncomes")
            expected |= {(dt, kind) for dt in with_files for kind in files}
            expected |= {("invoices", "GetAsPdf")}
            expected |= {(dt, kind) for dt, kinds in writes.items() for kind in kinds}
        elif key in OAUTH_PLATFORMS:
            expected = {(dt, f) for dt, fs in OAUTH_PLATFORMS[key].items() for f in fs}
        assert claimed == expected, key


def test_get_one_branding_and_config_alias(client: TestClient) -> None:
    xero = client.get("/integrations/gbol").json()
    assert xero["name"] == "Xero"
    assert client.get("/config/integrations/gbol").json() == xero
    branding = client.get("/integrations/gbol/branding").json()
    assert branding["sourceId"] == xero["sourceId"]
    assert branding["logo"]["full"]["image"]["src"].startswith("http")
    assert_codat_error(client.get("/integrations/zzzz"), 404)
    assert_codat_error(client.get("/integrations/zzzz/branding"), 404)


def test_logo_is_served(client: TestClient) -> None:
    response = client.get("/logos/gbol.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_query_and_paging_on_integrations(client: TestClient) -> None:
    page = client.get(
        "/integrations", params={"query": "name~quickbooks", "orderBy": "-name"}
    ).json()
    assert [i["key"] for i in page["results"]] == ["qhyg", "pqsw"]
    page = client.get("/integrations", params={"pageSize": 2, "page": 2, "orderBy": "key"}).json()
    assert page["pageNumber"] == 2
    assert len(page["results"]) == 2
    assert_codat_error(client.get("/integrations", params={"query": "name>"}), 400)
