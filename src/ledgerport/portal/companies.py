"""The Companies tab: the list (search and paging), Create company, Request data,
rename in place, and delete with confirmation.

Writes go through the domain rules and repositories the API uses; reads through the
API's read model (``views.company_page``), so the portal and ``GET /companies`` always
agree.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import orjson
from fastapi import APIRouter, Form, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from ledgerport.domain.tokens import new_nonce
from ledgerport.portal import company_forms, onboarding
from ledgerport.portal.company_list import Listing, company_row, listing
from ledgerport.portal.deps import CsrfChecked, CurrentUser, Now, ServicesDep, is_htmx
from ledgerport.portal.pages import render
from ledgerport.portal.routing import PageError, PortalRoute
from ledgerport.services import Services
from ledgerport.storage.db import transaction
from ledgerport.storage.repositories import companies as repo
from ledgerport.storage.repositories import views
from ledgerport.storage.repositories.views import CompanyView, ConnectionView
from ledgerport.storage.tables import CompanyRow
from ledgerport.sync import uploads

router = APIRouter(include_in_schema=False, route_class=PortalRoute)

RESULTS_ID = "companies-results"
# Sent with a response that changed the list: the list reloads itself, the dialog closes.
CHANGED = orjson.dumps({"companiesChanged": True}).decode()
CHANGED_AND_CLOSE = orjson.dumps({"companiesChanged": True, "closeDialog": True}).decode()

NameField = Annotated[str, Form(max_length=4000)]
TextField = Annotated[str, Form(max_length=20000)]


def _id(company_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(company_id)
    except ValueError:
        raise PageError(404, "Company not found", "There is no company with that id.") from None


def _company(session: Session, company_id: str) -> tuple[CompanyView, list[ConnectionView]]:
    found = views.company(session, _id(company_id))
    if found is None:
        raise PageError(404, "Company not found", "It may have been deleted. Reload the list.")
    return found


def _wants_results(request: Request) -> bool:
    return (
        is_htmx(request)
        and request.headers.get("HX-Target") == RESULTS_ID
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


@router.get("/", name="portal_companies")
def companies_page(
    request: Request, user: CurrentUser, services: ServicesDep, q: str = "", page: str = "1"
) -> Response:
    with services.sessions() as session:
        found: Listing = listing(services, session, q, page)
        any_company = found.total > 0 or (
            bool(found.query) and (session.scalar(select(func.count(CompanyRow.id))) or 0) > 0
        )
    context = {"listing": found, "any_company": any_company, "results_id": RESULTS_ID}
    if _wants_results(request):
        return render(request, "portal/companies/_results.html", context, user=user)
    return render(request, "portal/companies/index.html", context, user=user)


# -- create ----------------------------------------------------------------------------


def _form_page(request: Request, user: CurrentUser, form: company_forms.CompanyForm) -> Response:
    return render(
        request,
        "portal/companies/create.html",
        {"form": form, "product_labels": company_forms.PRODUCT_LABELS},
        user=user,
        status=422 if form.errors else 200,
    )


@router.get("/portal/companies/new", name="portal_company_new")
def new_company(request: Request, user: CurrentUser) -> Response:
    return _form_page(request, user, company_forms.CompanyForm())


@router.post("/portal/companies", name="portal_company_create", dependencies=[CsrfChecked])
def create_company(
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    at: Now,
    name: NameField = "",
    description: TextField = "",
    tags: TextField = "",
    products: Annotated[list[str] | None, Form()] = None,
) -> Response:
    form = company_forms.clean(name, description, tags, products or [])
    if not form.valid:
        return _form_page(request, user, form)
    # The same row the API's POST /companies builds, with the portal user as creator.
    row = CompanyRow(
        id=uuid.uuid4(),
        name=form.clean_name,
        description=form.clean_description,
        tags=form.clean_tags,
        products=form.clean_products,
        created=at,
        created_by_user_name=user.name,
        link_nonce=new_nonce(),
    )
    with transaction(services.sessions) as session:
        repo.add(session, row)
        company, _ = _company(session, str(row.id))
        details = onboarding.for_company(services, session, company, user.name)
    return render(
        request,
        "portal/companies/created.html",
        {"onboarding": details},
        user=user,
        headers={"HX-Trigger": CHANGED},
    )


# -- request data ----------------------------------------------------------------------


def _onboarding(services: Services, company_id: str, sender: str) -> onboarding.Onboarding:
    with transaction(services.sessions) as session:
        company, _ = _company(session, company_id)
        return onboarding.for_company(services, session, company, sender)


@router.get("/portal/companies/{company_id}/onboarding", name="portal_company_onboarding")
def request_data(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    details = _onboarding(services, company_id, user.name)
    return render(request, "portal/companies/onboarding.html", {"onboarding": details}, user=user)


# -- rename in place -------------------------------------------------------------------


def _row(
    request: Request, user: CurrentUser, services: Services, company_id: str, *, editing: bool
) -> Response:
    with services.sessions() as session:
        company, connections = _company(session, company_id)
    row = company_row(services, company, connections)
    form = company_forms.CompanyForm(name=company.name, description=company.description or "")
    template = "portal/companies/_edit_row.html" if editing else "portal/companies/_row.html"
    return render(request, template, {"row": row, "form": form}, user=user)


@router.get("/portal/companies/{company_id}/row", name="portal_company_row")
def company_row_fragment(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    return _row(request, user, services, company_id, editing=False)


@router.get("/portal/companies/{company_id}/edit", name="portal_company_edit")
def edit_company(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    return _row(request, user, services, company_id, editing=True)


@router.post(
    "/portal/companies/{company_id}", name="portal_company_update", dependencies=[CsrfChecked]
)
def update_company(
    company_id: str,
    request: Request,
    user: CurrentUser,
    services: ServicesDep,
    name: NameField = "",
    description: TextField = "",
) -> Response:
    form = company_forms.clean(name, description, tags=None, products=None)
    if not form.valid:
        with services.sessions() as session:
            company, connections = _company(session, company_id)
        row = company_row(services, company, connections)
        return render(
            request,
            "portal/companies/_edit_row.html",
            {"row": row, "form": form},
            user=user,
            status=422,
        )
    with transaction(services.sessions) as session:
        stored = repo.get(session, _id(company_id))
        if stored is None:
            raise PageError(404, "Company not found", "It may have been deleted. Reload the list.")
        stored.name = form.clean_name
        stored.description = form.clean_description
        session.flush()
    if not is_htmx(request):
        return RedirectResponse("/", status_code=303)
    return _row(request, user, services, company_id, editing=False)


# -- delete ----------------------------------------------------------------------------


@router.get("/portal/companies/{company_id}/delete", name="portal_company_delete_confirm")
def confirm_delete(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    with services.sessions() as session:
        company, connections = _company(session, company_id)
    return render(
        request,
        "portal/companies/delete.html",
        {"company": company, "connection_count": len(connections)},
        user=user,
    )


@router.post(
    "/portal/companies/{company_id}/delete",
    name="portal_company_delete",
    dependencies=[CsrfChecked],
)
def delete_company(
    company_id: str, request: Request, user: CurrentUser, services: ServicesDep
) -> Response:
    with transaction(services.sessions) as session:
        stored = repo.get(session, _id(company_id))
        if stored is None:
            raise PageError(404, "Company not found", "It may have been deleted already.")
        name, stored_id = stored.name, stored.id
        # Connections, data, files and history go with it (ON DELETE CASCADE), as for
        # the API's DELETE /companies/{id}.
        repo.remove(session, stored)
    uploads.forget_company(services, stored_id)
    if not is_htmx(request):
        return RedirectResponse("/", status_code=303)
    return render(
        request,
        "portal/companies/deleted.html",
        {"name": name},
        user=user,
        headers={"HX-Trigger": CHANGED_AND_CLOSE},
    )
