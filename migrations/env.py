"""Alembic environment for Flask-Migrate: the URL and the metadata come from the running app."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config

# Configure logging from alembic.ini only when nobody has yet (the `flask db` commands). Under
# pytest, or inside an app that set up logging, leave the existing handlers and loggers alone.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine  # Flask-SQLAlchemy >= 3


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def render_item(type_, obj, autogen_context):
    """Money, Ratio and Fixed are integers in the database: render them as ``sa.BigInteger()`` so
    that revisions do not depend on application code."""
    from grants.money import Fixed

    if type_ == "type" and isinstance(obj, Fixed):
        return "sa.BigInteger()"
    return False


def run_migrations_offline():
    """Emit SQL to stdout (``flask db upgrade --sql``) without a connection."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True, render_item=render_item,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    # an autogenerate that finds no change writes no empty revision
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    for key, value in (("process_revision_directives", process_revision_directives), ("render_item", render_item)):
        if conf_args.get(key) is None:
            conf_args[key] = value

    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
