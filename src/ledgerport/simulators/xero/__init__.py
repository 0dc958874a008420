"""A stateful stand-in for Xero's Accounting API (``create_app``), served at Xero's own
paths and shapes (``vendor-specs/xero``) from the sandbox's generated books, so a Xero
connector can be tested offline for paging, incremental pulls, writes, attachments,
auth, revocation and rate limits. Modules: ``app`` (routes and the auth/limit guard),
``simulator`` (state, writes), ``records``/``banking``/``journals`` (Xero records),
``listing``/``where`` (list queries), ``accounting`` (reads), ``writes``/``translate``
(writes), ``attachments``, ``identity``/``oauth``/``tokens``, ``ratelimit``."""

from ledgerport.simulators.xero.app import create_app, parse_size

__all__ = ["create_app", "parse_size"]
