"""A company's page in the portal: Summary (figures and activity), Manage connections,
Data, Data history and Uploaded files, and Refresh data."""

from fastapi import APIRouter

from ledgerport.portal.company import data_pages, files, history, manage, overview

router = APIRouter(include_in_schema=False)
for _module in (overview, manage, data_pages, history, files):
    router.include_router(_module.router)
