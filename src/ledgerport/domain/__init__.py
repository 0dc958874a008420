"""The standard data model and business rules. Pure: no I/O, no framework imports."""
