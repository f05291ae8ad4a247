"""In-app notifications and e-mail, sent only after the transaction that caused them commits."""
from . import mail  # noqa: F401  (connects the session events once, at import)
