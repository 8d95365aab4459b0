"""`flask kitchen org|user|token ...`: organisations, accounts and API tokens."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from kitchen.models import OrgKind, Role
from kitchen.services import accounts, tokens
from kitchen.services.errors import DomainError

org_cli = AppGroup("org", help="Organisations.")
user_cli = AppGroup("user", help="Accounts.")
token_cli = AppGroup("token", help="API tokens.")


def _fail(exc: DomainError) -> None:
    """Print a service error and exit non-zero."""
    raise click.ClickException(str(exc.message))


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
