"""Shared pieces for the QBO simulator's tests (``tests/simulators/test_qbo_*.py``)."""
