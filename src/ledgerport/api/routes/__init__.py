"""One router module per resource, named after its URL segment."""
