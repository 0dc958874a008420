"""QuickBooks Online objects ↔ Codat's standard model, as pure functions (one module per
entity family), each checked by golden files in ``tests/golden/qbo/``."""
