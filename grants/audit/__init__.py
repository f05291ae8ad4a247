"""The append-only, hash-chained audit trail."""
from .services import allow_purge, head, record, verify_chain  # noqa: F401
