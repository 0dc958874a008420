"""What column headers and status words mean, in English, French, German, Spanish and
Dutch. Headers are compared after :func:`normalize_header` (case, accents, punctuation
folded), so ``N° facture``, ``n facture`` and ``N°Facture`` are one entry."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Meaning(StrEnum):
    SUPPLIER_NAME = "supplierName"
    BILL_NUMBER = "billNumber"
    ISSUE_DATE = "issueDate"
    DUE_DATE = "dueDate"
    TOTAL_AMOUNT = "totalAmount"
    SUB_TOTAL = "subTotal"
    TAX_AMOUNT = "taxAmount"
    AMOUNT_DUE = "amountDue"
    CURRENCY = "currency"
    STATUS = "status"
    DESCRIPTION = "description"
    ACCOUNT = "account"
    TAX_NUMBER = "taxNumber"
    EMAIL = "email"
    PHONE = "phone"
    IGNORE = "ignore"


def normalize_header(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("ß", "ss").replace("°", " ").replace("º", " ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", folded).split())


_HEADERS: dict[Meaning, str] = {
    Meaning.SUPPLIER_NAME: """supplier | supplier name | vendor | vendor name | payee | contact |
        contact name | creditor | company | company name | name | from | fournisseur |
        nom fournisseur | nom du fournisseur | raison sociale | tiers | lieferant | kreditor |
        lieferantenname | firma | name des lieferanten | proveedor | nombre proveedor |
        nombre del proveedor | acreedor | empresa | leverancier | crediteur | naam leverancier |
        leveranciersnaam | bedrijf | bedrijfsnaam""",
    Meaning.BILL_NUMBER: """bill number | bill no | bill | invoice number | invoice no | invoice |
        invoice nr | invoice id | inv no | inv | reference | ref | document number | doc no |
        number | no | numero | numero de facture | n facture | facture | numero facture |
        ref facture | rechnungsnummer | rechnungsnr | rechnung nr | rechnung | belegnummer |
        belegnr | beleg | numero de factura | n factura | factura | num factura | referencia |
        factuurnummer | factuurnr | factuur | referentie | kenmerk""",
    Meaning.ISSUE_DATE: """date | bill date | invoice date | issue date | issued | issued on |
        document date | date de facture | date facture | date d emission | rechnungsdatum |
        datum | belegdatum | ausstellungsdatum | fecha | fecha de factura | fecha factura |
        fecha de emision | fecha emision | factuurdatum | datum factuur""",
    Meaning.DUE_DATE: """due date | due | due on | payment due | date due | payment date due |
        date d echeance | echeance | date echeance | faelligkeitsdatum | falligkeitsdatum |
        fallig am | faellig | falligkeit | zahlbar bis | fecha de vencimiento | vencimiento |
        fecha vencimiento | vervaldatum | vervaldag | uiterste betaaldatum""",
    Meaning.TOTAL_AMOUNT: """total | total amount | amount | gross | gross amount | total gross |
        invoice total | amount incl tax | amount inc vat | total incl vat | total inc vat |
        montant | montant ttc | total ttc | ttc | montant total | betrag | bruttobetrag |
        gesamtbetrag | brutto | summe | rechnungsbetrag | importe | importe total |
        total factura | total con iva | bedrag | totaal | totaalbedrag | bedrag incl btw |
        totaal incl btw""",
    Meaning.SUB_TOTAL: """net | net amount | subtotal | sub total | amount excl tax |
        amount ex vat | total excl vat | net total | montant ht | total ht | ht | hors taxe |
        nettobetrag | netto | nettosumme | base imponible | importe neto | subtotal sin iva |
        neto | bedrag excl btw | netto bedrag | subtotaal | totaal excl btw""",
    Meaning.TAX_AMOUNT: """tax | vat | tax amount | vat amount | gst | sales tax | tva |
        montant tva | taxe | taxes | mwst | ust | mehrwertsteuer | umsatzsteuer | steuer |
        steuerbetrag | mwst betrag | iva | importe iva | cuota iva | impuesto | impuestos |
        btw | btw bedrag""",
    Meaning.AMOUNT_DUE: """amount due | balance | balance due | outstanding | amount outstanding |
        open amount | reste a payer | solde | montant du | offen | offener betrag |
        restbetrag | saldo | importe pendiente | pendiente | openstaand | openstaand bedrag""",
    Meaning.CURRENCY: """currency | ccy | curr | currency code | devise | monnaie | waehrung |
        wahrung | moneda | divisa | valuta | munt""",
    Meaning.STATUS: """status | state | payment status | paid | statut | etat | statut paiement |
        zahlstatus | zahlungsstatus | bezahlt | estado | estado pago | pagado | betaald |
        betaalstatus""",
    Meaning.DESCRIPTION: """description | memo | details | detail | narrative | item |
        line description | notes | note | libelle | designation | objet | beschreibung |
        bezeichnung | buchungstext | verwendungszweck | descripcion | concepto |
        omschrijving | artikel""",
    Meaning.ACCOUNT: """account | account code | gl account | expense account | ledger account |
        category | nominal | nominal code | compte | compte de charge | code comptable |
        konto | sachkonto | aufwandskonto | kategorie | cuenta | cuenta contable |
        categoria | grootboekrekening | grootboek | rekening | categorie""",
    Meaning.TAX_NUMBER: """vat number | vat no | vat id | vat reg no | tax id | tax number |
        tax no | tin | ein | abn | gst number | numero de tva | n tva | tva intracommunautaire |
        siret | ust idnr | ust id | ust id nr | steuernummer | umsatzsteuer id | nif | cif |
        nif cif | btw nummer | btw nr | btw id | kvk""",
    Meaning.EMAIL: """email | e mail | email address | mail | courriel | adresse email |
        correo | correo electronico | emailadres""",
    Meaning.PHONE: """phone | telephone | tel | phone number | mobile | telefon |
        telefonnummer | telefono | telefoon | telefoonnummer""",
}

HEADERS: dict[str, Meaning] = {
    normalize_header(phrase): meaning
    for meaning, phrases in _HEADERS.items()
    for phrase in phrases.split("|")
}

_STATUS_WORDS = {
    "Paid": """paid | payed | settled | paye | payee | bezahlt | beglichen | pagado | pagada |
        betaald | yes | oui | ja | si""",
    "Open": """open | unpaid | outstanding | due | awaiting payment | approved | authorised |
        authorized | posted | impaye | impayee | a payer | offen | unbezahlt | faellig |
        pendiente | no pagado | abierta | openstaand | onbetaald | no | non | nein | nee""",
    "PartiallyPaid": """partially paid | partial | part paid | partiellement paye |
        teilweise bezahlt | teilbezahlt | parcialmente pagado | pago parcial |
        gedeeltelijk betaald""",
    "Draft": "draft | brouillon | entwurf | borrador | concept",
    "Void": """void | voided | cancelled | canceled | annule | annulee | storniert | anulado |
        anulada | geannuleerd | vervallen""",
}

STATUSES: dict[str, str] = {
    normalize_header(phrase): status
    for status, phrases in _STATUS_WORDS.items()
    for phrase in phrases.split("|")
}


def header_meaning(header: str) -> tuple[Meaning, float] | None:
    """What a header names and how sure that is: exact phrase 0.95, words inside 0.75."""
    key = normalize_header(header)
    if not key:
        return None
    if key in HEADERS:
        return HEADERS[key], 0.95
    padded = f" {key} "
    found = [(len(p), m) for p, m in HEADERS.items() if len(p) > 2 and f" {p} " in padded]
    if not found:
        return None
    return max(found, key=lambda hit: hit[0])[1], 0.75


def status_of(text: str) -> str | None:
    return STATUSES.get(normalize_header(text))
