"""Event emission and signed webhook delivery (lands with the webhooks issue)."""
