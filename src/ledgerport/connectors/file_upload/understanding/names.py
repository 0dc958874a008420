"""Supplier names and tax numbers reduced to what identifies the business.

``ACME Ltd.``, ``Acme Limited`` and ``acme`` are one supplier; ``Müller GmbH`` and
``Mueller GmbH`` too. Legal forms are dropped only at the end of the name, so
``Co-operative Bank`` keeps its ``co``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

LEGAL_FORMS = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "pty",
        "pvt",
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "mbh",
        "ev",
        "ek",
        "gbr",
        "kgaa",
        "sarl",
        "sa",
        "sas",
        "sasu",
        "eurl",
        "snc",
        "sca",
        "scs",
        "sl",
        "slu",
        "srl",
        "sau",
        "sc",
        "scp",
        "bv",
        "nv",
        "vof",
        "cv",
        "spa",
        "srls",
        "oy",
        "ab",
        "as",
        "aps",
        "asa",
        "oyj",
    ]
)
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalize_name(name: str) -> str:
    """Lower case, umlauts spelt out, accents and punctuation gone, ``&`` as ``and``."""
    text = name.casefold().translate(_UMLAUTS).replace("&", " and ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    # Dotted legal forms (S.A.R.L., B.V., e.K.) become one word before punctuation goes.
    text = re.sub(r"\b((?:[a-z]\.){2,})", lambda m: m.group(1).replace(".", ""), text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@functools.lru_cache(maxsize=65536)  # the same few hundred names recur on every row
def supplier_key(name: str) -> str:
    """The name without trailing legal forms: the key suppliers are matched on."""
    words = normalize_name(name).split()
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or words[-1] == "and"):
        words.pop()
    # "Foo & Co" leaves "foo and"; "Foo GmbH & Co. KG" leaves "foo": both handled above.
    return " ".join(words)


def tax_key(tax_number: str | None) -> str | None:
    """A tax number as comparable text: ``GB 123 4567 89`` and ``123456789`` match."""
    if not tax_number:
        return None
    text = re.sub(r"[^A-Z0-9]", "", tax_number.upper())
    if len(text) > 2 and text[:2].isalpha():
        text = text[2:]
    return text or None
