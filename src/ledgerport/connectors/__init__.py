"""Connectors: one package per platform, each exporting a declarative ``CONNECTOR``.

Connectors never touch the database: they yield records and the sync engine writes them.
"""
