"""Repositories: the only code that builds SQL for each area."""
