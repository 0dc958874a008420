"""The HTTP API: FastAPI routers (one module per resource), request/response models."""
