"""Rules for company names, descriptions and tags, as Codat applies them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ledgerport.domain.enums import Product
from ledgerport.errors import BadRequestError, Validation, ValidationItem

# Codat's published pattern is ^[A-Za-z0-9\s\-',&@.,?!\s]+$ and it *strips* anything
# else on create ("Company (Codat[1])" becomes "Company Codat1") rather than refusing.
_FORBIDDEN_NAME_CHARS = re.compile(r"[^A-Za-z0-9\s\-',&@.?!]")
_SPACES = re.compile(r"\s+")
MAX_NAME_LENGTH = 255
MAX_DESCRIPTION_LENGTH = 4000
MAX_TAGS = 10
MAX_TAG_KEY_LENGTH = 27
MAX_TAG_VALUE_LENGTH = 100


def _invalid(item_id: str, message: str) -> BadRequestError:
    return BadRequestError(
        message,
        validation=Validation(
            errors=(ValidationItem(message=message, item_id=item_id, validator_name="Company"),)
        ),
    )


def clean_name(raw: str) -> str:
    """Strip the characters Codat does not allow, collapse whitespace, and refuse what is
    left if it is empty or too long."""
    name = _SPACES.sub(" ", _FORBIDDEN_NAME_CHARS.sub("", raw)).strip()
    if not name:
        raise _invalid("name", "Company name must contain at least one letter or digit.")
    if len(name) > MAX_NAME_LENGTH:
        raise _invalid("name", f"Company name must be at most {MAX_NAME_LENGTH} characters.")
    return name


def clean_description(raw: str | None) -> str | None:
    if raw is None:
        return None
    if len(raw) > MAX_DESCRIPTION_LENGTH:
        raise _invalid(
            "description", f"Description must be at most {MAX_DESCRIPTION_LENGTH} characters."
        )
    return raw


def clean_tags(raw: Mapping[str, object] | None) -> dict[str, str]:
    """Tags: at most 10, keys of 1-27 characters, string values of at most 100."""
    if raw is None:
        return {}
    if len(raw) > MAX_TAGS:
        raise _invalid("tags", f"A company can have at most {MAX_TAGS} tags.")
    tags: dict[str, str] = {}
    for key, value in raw.items():
        if not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            raise _invalid(
                f"tags.{key}", f"Tag keys must be 1 to {MAX_TAG_KEY_LENGTH} characters long."
            )
        if not isinstance(value, str):
            raise _invalid(f"tags.{key}", "Tag values must be strings.")
        if len(value) > MAX_TAG_VALUE_LENGTH:
            raise _invalid(
                f"tags.{key}", f"Tag values must be at most {MAX_TAG_VALUE_LENGTH} characters."
            )
        tags[key] = value
    return tags


def clean_products(raw: Iterable[str] | None) -> list[str]:
    if raw is None:
        return []
    known = {p.value for p in Product}
    products: list[str] = []
    for product in raw:
        if product not in known:
            raise _invalid(
                "products",
                f"Unknown product '{product}'. Known products: {', '.join(sorted(known))}.",
            )
        if product not in products:
            products.append(product)
    return products
