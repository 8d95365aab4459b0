"""`flask kitchen backup FILE | restore FILE`: the embedded default in one archive."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade

from kitchen.services import backup, indexing, worker


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write the database, the stored files and the search index into one tar archive."""
    try:
        summary = backup.create(target, click.echo)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Backed up {summary.items} items, {summary.files} files ({summary.bytes} bytes) and "
        f"{summary.index_documents} indexed documents to {target}."
    )
    if summary.missing_files:
        click.echo(f"{len(summary.missing_files)} files were removed while the backup ran.")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(archive: Path) -> None:
    """Unpack a backup into an empty library, bring it up to date and check it."""
    try:
        summary = backup.restore(archive, click.echo)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    upgrade(directory=current_app.extensions["migrate"].directory)
    if indexing.service().backend.needs_rebuild():
        from kitchen.cli.search import rebuild_with_progress

        click.echo("The archive's index is in an older layout; rebuilding it from the database.")
        rebuild_with_progress()
    done = worker.drain()
    click.echo(f"{done} queued jobs done (changes made while the backup ran, and others).")
    items, files, missing = backup.library_state()
    report = indexing.check()
    click.echo(
        f"Restored {items} items (the archive says {summary.items}) and {files} files; "
        f"{len(missing)} files missing. Index check: {report.checked} items: "
        f"{len(report.missing)} missing, {len(report.stale)} stale, {len(report.extra)} extra."
    )
    if missing or not report.clean or items != summary.items:
        raise SystemExit(1)
