"""ledgerport: a self-hosted, Codat-compatible unified API for small-business accounting data."""

__version__ = "0.1.0"
