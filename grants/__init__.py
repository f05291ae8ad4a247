"""grants: rural productive alliance grants, from business intention to closeout."""
import importlib
import os
import secrets

from flask import Flask

__all__ = ["create_app"]


def _secret_key(app):
    """GRANTS_SECRET_KEY, or a random key kept in the instance folder (created once)."""
    path = os.path.join(app.instance_path, "secret_key")
    if os.path.exists(path):
        with open(path) as fh:
            return fh.read().strip()
    key = secrets.token_hex(32)
    with open(path, "w") as fh:
        fh.write(key)
    os.chmod(path, 0o600)
    return key


def create_app(config=None):
    """Build the application. ``config``: a config class, a dict of overrides, or None (``DevConfig``
    unless ``GRANTS_ENV=production``); ``GRANTS_*`` environment variables override either."""
    import config as config_module

    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    base = config if isinstance(config, type) else (
        config_module.Config if os.environ.get("GRANTS_ENV") == "production" else config_module.DevConfig)
    app.config.from_object(base)
    app.config.from_prefixed_env(prefix="GRANTS")
    if isinstance(config, dict):
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    url = app.config.get("DATABASE_URL") or f"sqlite:///{os.path.join(app.instance_path, 'grants.db')}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 30}}

    from .extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    from .accounts import throttling

    throttling.init_app(app)  # Flask-Limiter and its 429 answer

    from . import models  # noqa: F401  (every table, for Alembic and create_all)
    from . import notifications, proposals  # noqa: F401  (workflow guards, signal handlers, mail events)
    from .alliances import guards  # noqa: F401  (registers the spine's workflow guards)
    from .plans import guards as plan_guards  # noqa: F401  (the plan stage's guards and transition hooks)
    from .funding import guards as funding_guards  # noqa: F401  (agreement and tranche guards, hooks)
    from .execution import guards as execution_guards  # noqa: F401  (accountability report guards)
    from .execution import ledger as execution_ledger  # noqa: F401  (spent, justified, contributed figures)
    from .execution import procurement as execution_procurement  # noqa: F401  (procurement guards)
    from .assistance import guards as assistance_guards  # noqa: F401  (deliverable guard, TA payment checks)
    from .execution import alerts as execution_alerts  # noqa: F401  (report_missing, low_execution)
    from .assistance import alerts as assistance_alerts  # noqa: F401  (deliverable_overdue)
    from .funding import alerts as funding_alerts  # noqa: F401  (tranche_unanswered)
    from .alliances.alerts import install as install_alerts  # the stored alerts' hooks
    install_alerts()
    from .assistance import ledger as assistance_ledger  # noqa: F401  (open_contracts figure)
    from .closeout import guards as closeout_guards  # noqa: F401  (final_report_ready, closeout_settled, hooks)
    from .execution import tasks as execution_tasks  # noqa: F401  (work waiting: receipts, reports due, reviews)
    from .funding import tasks as funding_tasks  # noqa: F401  (work waiting: tranches to request, decide, transfer)
    from .assistance import tasks as assistance_tasks  # noqa: F401  (work waiting: deliverables)
    from .monitoring import tasks as monitoring_tasks  # noqa: F401  (work waiting: follow-up actions)
    from .proposals import tasks as proposal_tasks  # noqa: F401  (work waiting: intentions)
    from .plans import tasks as plan_tasks  # noqa: F401  (work waiting: plans, appraisals, reviews)
    from .closeout import tasks as closeout_tasks  # noqa: F401  (work waiting: alliances to close)
    from .sales import alerts as sales_alerts  # noqa: F401  (issue 15: buyer_noncompliance)
    from .sales import permissions as sales_permissions  # noqa: F401  (who holds which role towards a delivery)
    from .sales import tasks as sales_tasks  # noqa: F401  (work waiting: deliveries to confirm, disputes)
    from .proposals import letter as proposals_letter  # noqa: F401  (the buyer's letter of intent, for sales)
    from .monitoring import sales_feed  # noqa: F401  (sales indicators fed from confirmed deliveries)
    from .grievances import alerts as grievance_alerts, tasks as grievance_tasks  # noqa: F401  (issue 15)
    from .web import i18n

    i18n.compile_catalogs(app)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)

    from .web import register as register_web

    register_web(app)
    from .documents.views import register as register_documents  # /verify/<code> and its API (issue 16)

    register_documents(app)
    from .web import health

    health.register(app)  # /healthz, /readyz, and 503 while the database cannot be reached

    from .api import bp as api_bp
    from .api import openapi  # noqa: F401
    from .api import DOMAINS as api_domains

    for module in api_domains:  # each domain's api module declares its endpoints on the blueprint
        importlib.import_module(f"grants.{module}.api")
    app.register_blueprint(api_bp)

    from .cli import grants_cli

    app.cli.add_command(grants_cli)
    return app
