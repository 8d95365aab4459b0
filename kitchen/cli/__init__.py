"""`flask --app wsgi kitchen ...`: command groups that call the services, never the views."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TextIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_migrate import upgrade
from sqlalchemy import func, select

from kitchen.cli.accounts import org_cli, token_cli, user_cli
from kitchen.cli.backup import backup_command, restore_command
from kitchen.cli.search import (
    extract_command,
    fsck_command,
    index_cli,
    reindex_command,
    worker_command,
)
from kitchen.extensions import db
from kitchen.models import Item, JobKind, Role
from kitchen.services import accounts, demo, health, indexing, worker

kitchen_cli = AppGroup("kitchen", help="Manage the central kitchen.")
for command in (org_cli, user_cli, token_cli, index_cli, reindex_command, worker_command):
    kitchen_cli.add_command(command)
kitchen_cli.add_command(fsck_command)
kitchen_cli.add_command(extract_command)
kitchen_cli.add_command(backup_command)
kitchen_cli.add_command(restore_command)


@kitchen_cli.command("expire")
def expire_command() -> None:
    """Warn about rights and consent ending soon, withdraw what has ended (the worker does this
    every 10 minutes)."""
    from kitchen.services import rights

    report = rights.sweep()
    click.echo(f"{report.warned} items warned about, {report.withdrawn} withdrawn.")


@kitchen_cli.command("calls")
def calls_command() -> None:
    """Open, remind about and close the calls whose dates say so; announce new matches of
    saved searches (the worker does both every 10 minutes)."""
    from kitchen.services import alerts, calls

    report = calls.sweep()
    click.echo(
        f"{report.opened} calls opened, {report.closed} closed, "
        f"{report.reminded} organisations reminded."
    )
    click.echo(f"{alerts.sweep()} saved searches announced new matches.")


@kitchen_cli.command("report")
@click.option("--period", default="", help="2026Q4, 2026-11 or 2026 (default: this quarter).")
@click.option(
    "--xlsx",
    "xlsx_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="Also write the report as an Excel workbook to this file.",
)
def report_command(period: str, xlsx_path: Path | None) -> None:
    """Print the period's ranked table of member organisations (and write the XLSX)."""
    from kitchen.services import report_export, reports
    from kitchen.services.errors import ValidationError

    try:
        chosen = reports.parse_period(period)
    except ValidationError as exc:
        raise click.BadParameter(str(exc.message), param_hint="--period") from exc
    report = reports.build(chosen)
    last_day = chosen.end - timedelta(days=1)
    click.echo(f"{chosen.label} ({chosen.start} – {last_day}), {len(report.rows)} organisations")
    click.echo(
        f"{'#':>3}  {'index':>6}  {'sent':>5}  {'adopt':>5}  {'rate':>6}  {'downl':>6}  "
        f"{'reuse':>5}  {'calls':>5}  {'uses':>4}  organisation"
    )
    for row in report.rows:
        rate = f"{row.adoption_rate:.0%}" if row.adoption_rate is not None else "–"
        calls = f"{row.campaigns_answered}/{row.campaigns_open}"
        click.echo(
            f"{row.rank:>3}  {row.index:>6.1f}  {row.submitted:>5}  {row.approved:>5}  "
            f"{rate:>6}  {row.downloads:>6}  {row.reuse_downloads:>5}  {calls:>5}  "
            f"{row.uses:>4}  {row.name}"
        )
    if xlsx_path is not None:
        xlsx_path.write_bytes(report_export.workbook(report))
        click.echo(f"Written to {xlsx_path}")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(kitchen_cli)


@kitchen_cli.command("init")
def init_command() -> None:
    """Create or upgrade the database, create the data folders, rebuild an outdated index."""
    for key in ("UPLOADS_DIR", "SEARCH_INDEX_DIR", "INSTANCE_DIR"):
        Path(current_app.config[key]).mkdir(parents=True, exist_ok=True)
    if current_app.config.get("STORAGE") == "s3":
        state = health.bucket_state()
        if state != "ok":
            bucket = current_app.config["S3_BUCKET"]
            raise click.ClickException(f"The bucket {bucket} cannot be reached ({state}).")
    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Database is up to date; folders are ready.")
    if indexing.service().backend.needs_rebuild():
        from kitchen.cli.search import rebuild_with_progress

        click.echo("The search index is in an older layout; rebuilding it from the database.")
        rebuild_with_progress()


@kitchen_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the library has no items yet.")
def demo_command(if_empty: bool) -> None:
    """Load demo organisations, accounts, campaigns and items (never twice)."""
    if if_empty and (db.session.scalar(select(func.count(Item.id))) or 0) > 0:
        click.echo("The library already has items; demo data not loaded.")
    else:
        demo.load_demo(lambda line: click.echo(f"  + {line}"))
        done = worker.drain((*worker.QUICK_KINDS, JobKind.POSTER))
        click.echo(f"  + {done} queued jobs done (search index, video posters)")
        click.echo("  + the worker reads the text in files in the background")
    click.echo("Demo accounts (e-mail / password):")
    for role, email, password in demo.demo_accounts():
        click.echo(f"  {role:<12} {email:<36} {password}")


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
