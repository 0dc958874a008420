"""A stateful stand-in for Xero's Accounting API (``create_app``), served at Xero's own
paths and shapes (``vendor-specs/xero``) from the sandbox's generated books, so a Xero
connector can be tested for paging, incremental pulls, auth and rate limits offline."""

from ledgerport.simulators.xero.app import create_app

__all__ = ["create_app"]
