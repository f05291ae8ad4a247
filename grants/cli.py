"""``flask --app wsgi grants ...``: init-db, create-admin, seed-demo, seed-scale, verify-audit, export-iati."""
import sys

import click
from flask.cli import AppGroup

grants_cli = AppGroup("grants", help="Manage the grants database and data.")


@grants_cli.command("init-db")
def init_db():
    """Create the schema, or upgrade it to the latest migration."""
    from flask_migrate import upgrade

    upgrade()
    click.echo("Database schema is up to date.")


@grants_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default="Administrator")
def create_admin(email, password, name):
    """Create an administrator account (or give the admin role to an existing one)."""
    from .accounts import services
    from .errors import DomainError
    from .extensions import db

    user = services.find_by_email(email)
    try:
        if user is None:
            user = services.create_user({"email": email, "name": name, "password": password, "roles": ["admin"]})
        else:
            services.update_user(user, {"roles": sorted(set(user.roles) | {"admin"}), "password": password})
    except DomainError as exc:
        db.session.rollback()
        for d in exc.details:
            click.echo(f"{d.field}: {d.message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Administrator {user.email} is ready.")


@grants_cli.command("seed-demo")
@click.option("--password", default=None, help="One password for every demo account (default: one each).")
def seed_demo(password):
    """A realistic demo: a PAR-like program in BOB, an open call, nine associations with alliances at every
    stage of the lifecycle (execution, closing, closed included), one account per role."""
    from .demo import exists, seed
    from .extensions import db

    already = exists()
    accounts = seed(password=password)
    db.session.commit()
    if already:
        click.echo("The demo data already exists: nothing was added. Accounts (e-mail / password / role):")
    else:
        click.echo("Demo data is ready. Accounts (e-mail / password / role):")
    for email, pwd, role in accounts:
        click.echo(f"  {email:38} {pwd:22} {role}")


@grants_cli.command("seed-scale")
@click.option("--profile", type=click.Choice(["national", "benchmark"]), default=None,
              help="national: 10,000 alliances, 120 members per association, 343 expenses per alliance in "
                   "execution (about 400,000 members and 1,000,000 expenses); benchmark: 1,000 alliances, 40 "
                   "members, 12 expenses. Default: national when no size option is given, else benchmark.")
@click.option("--alliances", "count", default=None, type=click.IntRange(min=1), help="Alliances to add.")
@click.option("--members", default=None, type=click.IntRange(min=1),
              help="Members per association (± 5; one association per three alliances).")
@click.option("--expenses", default=None, type=click.IntRange(min=0),
              help="Expenses per alliance that reached execution (an average).")
@click.option("--details/--no-details", default=True, show_default=True,
              help="Also the lifecycle: state-change events, budgets, tranches, expenses, indicators.")
def seed_scale(profile, count, members, expenses, details):
    """Large synthetic data for benchmarks: alliances with their associations, members and (by default) the
    lifecycle, in bulk, with a chained audit trail."""
    import time

    from .alliances.alerts import refresh_all
    from .demo import seed_scale as run
    from .demo.scale import resolve_profile
    from .extensions import db

    count, members, expenses = resolve_profile(profile, count, members, expenses)
    t0 = time.perf_counter()
    counts = run(count, members=members, details=details, expenses=expenses)
    db.session.commit()
    refresh_all()  # bulk inserts: no session saw them, so the stored alerts are counted once now
    db.session.commit()
    click.echo(f"Seeded {count} alliances in {time.perf_counter() - t0:.0f} s: "
               + ", ".join(f"{v} {k}" for k, v in counts.items() if isinstance(v, int)) + ".")


@grants_cli.command("refresh-alerts")
def refresh_alerts():
    """Recount the stored alerts of every alliance (daily from cron; after an upgrade or a bulk import)."""
    from .alliances.alerts import refresh_all
    from .extensions import db

    count, raised, cleared = refresh_all(each_chunk=db.session.commit)  # alliances locked a batch at a time
    db.session.commit()
    click.echo(f"Alerts refreshed on {count} alliances: {raised} raised, {cleared} cleared.")


@grants_cli.command("verify-audit")
@click.option("--head", "heads", multiple=True, metavar="HASH",
              help="A head hash published earlier (portal, closeout report); it must still be in the chain. "
                   "Repeatable.")
def verify_audit(heads):
    """Check the hash chain of the audit trail; name the first broken link. With --head, also prove that
    each head published earlier is still in the chain (a rewrite that recomputed every hash removes it)."""
    from .audit import verify_chain

    count, broken = verify_chain(heads=heads)
    if broken:
        event_id, reason = broken
        where = f"at event {event_id}" if event_id is not None else "the trail was rewritten"
        click.echo(f"BROKEN {where}: {reason} ({count} events read).", err=True)
        sys.exit(1)
    shown = f" and {len(heads)} published head(s) found in it" if heads else ""
    click.echo(f"Audit trail intact: {count} events verified{shown}.")


@grants_cli.command("backup")
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--portable", is_flag=True, help="A dump through SQLAlchemy that restores into SQLite or PostgreSQL "
              "(default: SQLite's backup API, or pg_dump when it is on the PATH).")
def backup_command(directory, portable):
    """Back up the database and the uploaded files into DIRECTORY (new or empty), with a manifest of SHA-256s."""
    from .backup import BackupError, backup

    try:
        manifest = backup(directory, portable=portable)
    except BackupError as exc:
        click.echo(f"Backup failed: {exc}", err=True)
        sys.exit(1)
    info = manifest["database"]
    click.echo(f"Backup written to {directory}: database ({info['kind']}, {sum(info['tables'].values())} rows, "
               f"SHA-256 {info['sha256'][:16]}…) and {len(manifest['files'])} files.")


@grants_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Replace a database (and upload folder) that already holds data.")
def restore_command(directory, force):
    """Restore a backup from DIRECTORY after checking every SHA-256 of its manifest; then check the rows, the
    files and the audit trail's hash chain."""
    from .backup import BackupError, restore

    try:
        result = restore(directory, force=force)
    except BackupError as exc:
        click.echo(f"Restore failed: {exc}", err=True)
        sys.exit(1)
    click.echo(f"Restored from {directory}: every table's rows and {result['files']} files match the manifest; "
               f"audit trail intact ({result['events']} events verified).")


@grants_cli.command("purge-idempotency-keys")
@click.option("--days", default=30, show_default=True, type=click.IntRange(min=1),
              help="Forget the keys older than this many days.")
def purge_idempotency_keys(days):
    """Forget old idempotency keys (a phone resends within minutes or days, not months)."""
    from .extensions import db
    from .web.idempotency import purge

    n = purge(days)
    db.session.commit()
    click.echo(f"Forgot {n} idempotency keys older than {days} days.")


@grants_cli.command("export-iati")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the file here (default: standard output).")
def export_iati(out):
    """Write the IATI 2.03 activities of the funded alliances (the file of /open-data/iati.xml), streamed."""
    from .opendata import iati

    stream = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    try:
        for part in iati.stream():
            stream.write(part)
    finally:
        if out:
            stream.close()
    if out:
        click.echo(f"IATI activities written to {out}.", err=True)


@grants_cli.command("prune-page-parts")
@click.option("--older-than", "days", default=2, show_default=True, type=click.IntRange(min=0),
              help="Delete the stored page parts built more than this many days ago (a part is served only on the "
                   "day it was drawn); 0: every part built before now.")
def prune_page_parts(days):
    """Delete old stored page parts and those of inactive users (the next view draws them again)."""
    from datetime import timedelta

    from .common import utcnow
    from .extensions import db
    from .reports.pruning import prune_page_parts as prune

    cutoff = utcnow() - timedelta(days=days)
    deleted = prune(cutoff, commit=db.session.commit)
    click.echo(f"Deleted {sum(deleted.values())} stored page parts built before {cutoff:%Y-%m-%d %H:%M} UTC or "
               "drawn for inactive users (" + ", ".join(f"{k}: {v}" for k, v in deleted.items()) + ").")
