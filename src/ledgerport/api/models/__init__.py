"""Request and response models. Responses are built as dicts for speed; these classes
validate requests and describe every response in /openapi.json."""
