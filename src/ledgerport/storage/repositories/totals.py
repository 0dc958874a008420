"""``totalResults`` for any paged list: the filtered count, without the ordering."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def total(session: Session, filtered: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(filtered.order_by(None).subquery())) or 0
