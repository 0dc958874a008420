"""Pure functions from the sandbox's state (``connectors/sandbox/state.py``: parties,
documents, payments, journal entries, the catalogue) to QBO entity JSON, as Intuit's
entity references and python-quickbooks' ``objects/*.py`` lay them out: amounts as
numbers, ``TxnDate`` as ``YYYY-MM-DD``, references as ``{"value", "name"}``,
``SyncToken`` strings and ``MetaData`` stamps in Pacific time."""
