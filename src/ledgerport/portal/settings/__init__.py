"""The portal's Settings: Data type settings, Developers > API keys, Integrations."""

from fastapi import APIRouter
from starlette.responses import RedirectResponse, Response

from ledgerport.portal.deps import CurrentUser
from ledgerport.portal.routing import PortalRoute
from ledgerport.portal.settings import api_keys, data_types, integrations

router = APIRouter(include_in_schema=False, route_class=PortalRoute)


@router.get("/settings", name="portal_settings")
def settings_home(_user: CurrentUser) -> Response:
    return RedirectResponse("/settings/data-types", status_code=303)


for _module in (data_types, api_keys, integrations):
    router.include_router(_module.router)
