"""Companies: the SMB customers whose books you connect."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from ledgerport.api import representations as rep
from ledgerport.api.deps import ServicesDep
from ledgerport.api.ids import parse_id
from ledgerport.api.models.common import ERROR_RESPONSES
from ledgerport.api.models.companies import (
    Companies,
    Company,
    CompanyRequestBody,
    CompanyUpdateRequest,
)
from ledgerport.api.paging import PageDep, envelope
from ledgerport.api.responses import JSONBytes, empty
from ledgerport.domain import companies as rules
from ledgerport.domain.tokens import new_nonce
from ledgerport.errors import NotFoundError
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.query import apply_query
from ledgerport.storage.repositories import companies as repo
from ledgerport.storage.repositories import views
from ledgerport.storage.repositories.resolvers import company_resolver, company_tags_filter
from ledgerport.storage.tables import CompanyRow
from ledgerport.storage.types import utcnow
from ledgerport.sync import uploads

router = APIRouter(tags=["Companies"], responses=ERROR_RESPONSES)


def load_company(session: Session, company_id: str) -> CompanyRow:
    row = repo.get(session, parse_id(company_id, "Company"))
    if row is None:
        raise NotFoundError(f"Company {company_id} not found.")
    return row


def company_body(services: Services, session: Session, company_id: uuid.UUID) -> Response:
    """The company as the API shows it, read back through the one read model."""
    found = views.company(session, company_id)
    if found is None:
        raise NotFoundError(f"Company {company_id} not found.")
    return JSONBytes(rep.company(services, *found))


@router.get(
    "/companies",
    response_model=Companies,
    response_class=JSONBytes,
    operation_id="list-companies",
    summary="List companies",
)
async def list_companies(
    request: Request,
    services: ServicesDep,
    paging: PageDep,
    tags: Annotated[
        str | None,
        Query(max_length=2048, description="Filter by tags with =, != and ~, e.g. region=uk."),
    ] = None,
) -> Response:
    """Returns your companies with their data connections. Filter with ``query`` (e.g.
    ``dataConnections.status=PendingAuth``) and ``tags``."""
    # async and inline: three indexed statements that take well under a millisecond;
    # a thread-pool hop per request cost more than the queries (see docs/architecture.md).
    stmt = apply_query(
        select(CompanyRow),
        company_resolver(services.platform_names),
        paging.query,
        paging.order_by,
        default_order=(CompanyRow.created.expression, CompanyRow.id.expression),
    )
    if tags:
        stmt = stmt.where(company_tags_filter(tags))
    with services.sessions() as session:
        found = views.company_page(session, stmt, offset=paging.offset, limit=paging.page_size)
    results = [rep.company(services, row, found.connections[row.id]) for row in found.companies]
    return JSONBytes(envelope(request, paging, results, found.total))


@router.post(
    "/companies",
    response_model=Company,
    response_class=JSONBytes,
    operation_id="create-company",
    summary="Create company",
)
def create_company(body: CompanyRequestBody, services: ServicesDep) -> Response:
    """Creates a company for your SMB customer. Its ``redirect`` is the hosted Link URL
    to send them to."""
    row = CompanyRow(
        id=uuid.uuid4(),
        name=rules.clean_name(body.name),
        description=rules.clean_description(body.description),
        tags=rules.clean_tags(body.tags),
        products=rules.clean_products(body.products),
        created=utcnow(),
        created_by_user_name=None,
        link_nonce=new_nonce(),
    )
    with transaction(services.sessions) as session:
        repo.add(session, row)
        return company_body(services, session, row.id)


@router.get(
    "/companies/{companyId}",
    response_model=Company,
    response_class=JSONBytes,
    operation_id="get-company",
    summary="Get company",
)
def get_company(companyId: str, services: ServicesDep) -> Response:
    with services.sessions() as session:
        return company_body(services, session, parse_id(companyId, "Company"))


@router.put(
    "/companies/{companyId}",
    response_model=Company,
    response_class=JSONBytes,
    operation_id="replace-company",
    summary="Replace company",
)
def replace_company(companyId: str, body: CompanyRequestBody, services: ServicesDep) -> Response:
    """Replaces name, description and tags; any of them left out is cleared."""
    with transaction(services.sessions) as session:
        row = load_company(session, companyId)
        row.name = rules.clean_name(body.name)
        row.description = rules.clean_description(body.description)
        row.tags = rules.clean_tags(body.tags)
        if body.products is not None:
            row.products = rules.clean_products(body.products)
        session.flush()
        return company_body(services, session, row.id)


@router.patch(
    "/companies/{companyId}",
    response_model=Company,
    response_class=JSONBytes,
    operation_id="update-company",
    summary="Update company",
)
def update_company(companyId: str, body: CompanyUpdateRequest, services: ServicesDep) -> Response:
    """Changes only the fields given; fields left out or null stay as they are."""
    with transaction(services.sessions) as session:
        row = load_company(session, companyId)
        if body.name is not None:
            row.name = rules.clean_name(body.name)
        if body.description is not None:
            row.description = rules.clean_description(body.description)
        if body.tags is not None:
            row.tags = rules.clean_tags(body.tags)
        session.flush()
        return company_body(services, session, row.id)


@router.delete(
    "/companies/{companyId}",
    status_code=204,
    response_class=Response,
    operation_id="delete-company",
    summary="Delete a company",
)
def delete_company(companyId: str, services: ServicesDep) -> Response:
    """Deletes the company, its connections and all data pulled for it, in one
    transaction. This cannot be undone."""
    with transaction(services.sessions) as session:
        company = load_company(session, companyId)
        company_id = company.id
        repo.remove(session, company)
    uploads.forget_company(services, company_id)
    return empty(204)


def _product(productIdentifier: str) -> str:
    rules.clean_products([productIdentifier])
    return productIdentifier


@router.put(
    "/companies/{companyId}/products/{productIdentifier}",
    status_code=204,
    response_class=Response,
    operation_id="add-product",
    summary="Add product",
)
def add_product(companyId: str, productIdentifier: str, services: ServicesDep) -> Response:
    """Enables a product for the company, e.g. ``spend-insights`` or ``payables``."""
    product = _product(productIdentifier)
    with transaction(services.sessions) as session:
        row = load_company(session, companyId)
        if product not in row.products:
            row.products = [*row.products, product]
    return empty(204)


@router.delete(
    "/companies/{companyId}/products/{productIdentifier}",
    status_code=204,
    response_class=Response,
    operation_id="remove-product",
    summary="Remove product",
)
def remove_product(companyId: str, productIdentifier: str, services: ServicesDep) -> Response:
    product = _product(productIdentifier)
    with transaction(services.sessions) as session:
        row = load_company(session, companyId)
        row.products = [p for p in row.products if p != product]
    return empty(204)
