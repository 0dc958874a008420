"""Pure functions between Xero's JSON and Codat's standard model, one module per
resource family. Reading: ``to_<dataType>(raw) -> dict`` (Codat JSON, rendered through
the domain model so the wire shape is exactly Codat's). Writing: ``<thing>_to_xero(record,
lookups) -> dict`` (the element Xero takes in its ``{"Invoices": [...]}`` bodies)."""
