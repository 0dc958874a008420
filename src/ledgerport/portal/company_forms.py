"""The create and edit forms' fields, cleaned by the same domain rules the API applies
(``domain.companies``): the portal adds no rules of its own, only the parsing of the
tags text box."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ledgerport.domain import companies as rules
from ledgerport.domain.enums import Product
from ledgerport.errors import BadRequestError

# What the API's request model accepts before cleaning (api/models/companies.py).
MAX_RAW_NAME_LENGTH = 1000

PRODUCT_LABELS = {
    Product.SPEND_INSIGHTS: "Spend Insights",
    Product.LENDING: "Lending",
    Product.PAYABLES: "Payables",
    Product.EXPENSES: "Expenses",
    Product.BANK_FEEDS: "Bank Feeds",
    Product.ACCOUNTING: "Accounting",
}


@dataclass
class CompanyForm:
    """What was typed (to show again after an error), what it cleaned to, and the
    error per field (``name``, ``description``, ``tags``, ``products``)."""

    name: str = ""
    description: str = ""
    tags_text: str = ""
    products: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    clean_name: str = ""
    clean_description: str | None = None
    clean_tags: dict[str, str] = field(default_factory=dict)
    clean_products: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def tags_text(tags: dict[str, str]) -> str:
    return "\n".join(f"{key}={value}" for key, value in tags.items())


def _parse_tags(text: str) -> dict[str, str]:
    """One ``key=value`` per line; blank lines are ignored."""
    tags: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"Line {number}: write each tag as key=value.")
        key = key.strip()
        if key in tags:
            raise ValueError(f"Tag '{key}' is given twice.")
        tags[key] = value.strip()
    return tags


def _field(error: BadRequestError) -> str:
    items = error.validation.errors if error.validation else ()
    item_id = items[0].item_id if items and items[0].item_id else "name"
    return item_id.split(".", 1)[0]


def clean(
    name: str,
    description: str,
    tags: str | None,
    products: Sequence[str] | None,
) -> CompanyForm:
    """The form, cleaned; ``tags`` or ``products`` None means the form had no such field
    (the inline edit), so they are not checked."""
    form = CompanyForm(
        name=name, description=description, tags_text=tags or "", products=list(products or [])
    )
    if len(name) > MAX_RAW_NAME_LENGTH:
        form.errors["name"] = f"Company name must be at most {rules.MAX_NAME_LENGTH} characters."
    else:
        try:
            form.clean_name = rules.clean_name(name)
        except BadRequestError as error:
            form.errors["name"] = error.message
    try:
        form.clean_description = rules.clean_description(description.strip() or None)
    except BadRequestError as error:
        form.errors["description"] = error.message
    if tags is not None:
        try:
            form.clean_tags = rules.clean_tags(_parse_tags(tags))
        except ValueError as error:
            form.errors["tags"] = str(error)
        except BadRequestError as error:
            form.errors[_field(error)] = error.message
    if products is not None:
        try:
            form.clean_products = rules.clean_products(products)
        except BadRequestError as error:
            form.errors["products"] = error.message
    return form
