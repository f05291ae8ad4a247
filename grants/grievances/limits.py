"""How often one connection (or one signed-in user) may file a grievance: the public form and the API share
the counter (``THROTTLE_GRIEVANCE``), so that the open channel is not a spam hole."""
from flask import current_app, session

from ..accounts.throttling import client_address
from ..extensions import limiter


def _filer():
    user_id = session.get("_user_id")
    return f"user:{user_id}" if user_id else "address:" + client_address()


filing_limit = limiter.shared_limit(lambda: current_app.config["THROTTLE_GRIEVANCE"], scope="grievance-filing",
                                    key_func=_filer, methods=["POST"], override_defaults=False)
