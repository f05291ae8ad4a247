"""The append-only, hash-chained audit trail."""
from .services import record, verify_chain  # noqa: F401
