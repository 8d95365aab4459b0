"""`flask --app wsgi kitchen ...`: command groups that call the services, never the views."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select

from kitchen.extensions import db
from kitchen.models import Item, OrgKind, Role
from kitchen.services import accounts, demo, tokens
from kitchen.services.errors import DomainError

kitchen_cli = AppGroup("kitchen", help="Manage the central kitchen.")
org_cli = AppGroup("org", help="Organisations.")
user_cli = AppGroup("user", help="Accounts.")
token_cli = AppGroup("token", help="API tokens.")
kitchen_cli.add_command(org_cli)
kitchen_cli.add_command(user_cli)
kitchen_cli.add_command(token_cli)


def _fail(exc: DomainError) -> None:
    """Print a service error and exit non-zero."""
    raise click.ClickException(str(exc.message))


@kitchen_cli.command("init")
def init_command() -> None:
    """Create or upgrade the database and create the data folders."""
    for key in ("UPLOADS_DIR", "SEARCH_INDEX_DIR", "INSTANCE_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Database is up to date; folders are ready.")


@kitchen_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the library has no items yet.")
def demo_command(if_empty: bool) -> None:
    """Load demo organisations, accounts, campaigns and items (never twice)."""
    if if_empty and (db.session.scalar(select(func.count(Item.id))) or 0) > 0:
        click.echo("The library already has items; demo data not loaded.")
    else:
        demo.load_demo(lambda line: click.echo(f"  + {line}"))
    click.echo("Demo accounts (e-mail / password):")
    for role, email, password in demo.demo_accounts():
        click.echo(f"  {role:<12} {email:<36} {password}")


@org_cli.command("create")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrgKind]))
@click.option("--region", default="")
def org_create(name: str, kind: str, region: str) -> None:
    """Create an organisation (nothing happens if it already exists)."""
    if accounts.find_org(name.strip()) is not None:
        click.echo(f"Organisation {name} already exists.")
        return
    try:
        org = accounts.save_org(accounts.OrgData(name, kind, region), None)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created organisation {org.id}: {org.name}")


@user_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_name", default=None, help="Organisation name.")
@click.option("--name", "display_name", default=None, help="Display name (default: e-mail).")
def user_create(
    email: str, password: str, role: str, org_name: str | None, display_name: str | None
) -> None:
    """Create an account (nothing happens if the e-mail address is taken)."""
    if accounts.find_user(email) is not None:
        click.echo(f"Account {email} already exists.")
        return
    org = accounts.find_org(org_name) if org_name else None
    if org_name and org is None:
        raise click.ClickException(f"No organisation named {org_name}.")
    data = accounts.UserData(
        email, display_name or email.split("@")[0], role, org.id if org else None, True, password
    )
    try:
        user = accounts.save_user(data, None)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created account {user.id}: {user.email} ({user.role.value})")


@user_cli.command("set-password")
@click.option("--email", required=True)
@click.option("--password", required=True)
def user_set_password(email: str, password: str) -> None:
    """Set an account's password."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account {email}.")
    try:
        accounts.set_password(user, password, None)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Password set for {user.email}.")


@token_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", default="command line", help="What the token is for.")
def token_create(email: str, name: str) -> None:
    """Create an API token for an account and print it (it is shown only this once)."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No account {email}.")
    try:
        token, plain = tokens.create_token(user, name)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created API token {token.id} ({token.name}) for {user.email}:")
    click.echo(plain)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(kitchen_cli)


@kitchen_cli.command("reindex")
@click.option("--pending", is_flag=True, help="Only retry the changes that failed to index.")
def reindex_command(pending: bool) -> None:
    """Rebuild the search index from the database into a new folder, then swap it in."""
    from kitchen.services import indexing

    if pending:
        done, failed = indexing.retry_pending(limit=100_000)
        click.echo(f"Retried: {done} indexed, {failed} still failing.")
        return
    total = db.session.scalar(select(func.count(Item.id))) or 0
    with click.progressbar(length=total, label="Indexing", show_pos=True) as bar:
        last = [0]

        def progress(count: int) -> None:
            bar.update(count - last[0])
            last[0] = count

        count = indexing.rebuild(progress)
    click.echo(f"Indexed {count} items; searches used the old index until the swap.")


@kitchen_cli.command("import")
@click.argument("path", type=click.File("r", encoding="utf-8"))
@click.option(
    "--as",
    "email",
    default=None,
    help="Account recorded as the importer (default: the first administrator).",
)
def import_command(path: TextIO, email: str | None) -> None:
    """Import items from a JSON Lines file (one item a line)."""
    from kitchen.models import User
    from kitchen.services import importer

    actor = (
        accounts.find_user(email)
        if email
        else db.session.scalars(
            select(User).where(User.role == Role.ADMIN).order_by(User.id)
        ).first()
    )
    if actor is None:
        raise click.ClickException("No importing account: create an admin or pass --as EMAIL.")
    report = importer.import_lines(path, actor, lambda n: click.echo(f"  … {n} items", err=True))
    click.echo(f"Imported {report.imported} items.")
    if report.new_orgs:
        click.echo("New organisations: " + ", ".join(report.new_orgs))
    if report.new_campaigns:
        click.echo("New campaigns: " + ", ".join(report.new_campaigns))
    for number, message in report.errors:
        click.echo(f"Line {number}: {message}", err=True)
    if report.errors:
        click.echo(f"{len(report.errors)} lines were not imported.", err=True)
