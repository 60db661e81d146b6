"""`store-edge hub token create|list|revoke`: who may call the hub's HTTP API (sync/hub/tokens.py).
They act on the database the hub uses (same `--config`, `--data-dir`, `--database`); a running
hub sees a new or revoked token at its next request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from edge.private_files import make_private_dir
from sync.hub.cli_support import ConfigOpt, DatabaseOpt, DataDirOpt, _fail, settings_from
from sync.hub.tokens import Scope

if TYPE_CHECKING:
    from pathlib import Path

    from sync.hub.store import Storage

token_app = typer.Typer(help="API tokens for the web shop, the PIM/ERP and the stores.")


@contextmanager
def _storage(config: Path | None, data_dir: Path | None, database: str | None) -> Iterator[Storage]:
    from edge.domain.errors import DomainError
    from sync.hub.store import StorageError, open_storage

    settings = settings_from(config, data_dir, database)
    make_private_dir(settings.data_dir)
    try:
        storage = open_storage(settings.database.url, settings.data_dir)
    except StorageError as exc:
        _fail(str(exc))
    try:
        yield storage
    except DomainError as exc:
        _fail(exc.detail)
    finally:
        storage.close()


@token_app.command("create")
def token_create(
    name: str,
    scope: Annotated[list[Scope], typer.Option("--scope", help="repeat for several scopes")],
    store: Annotated[
        str | None, typer.Option("--store", help="the store a `store` token speaks for")
    ] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    database: DatabaseOpt = None,
) -> None:
    """Make a token and print it once (the hub keeps only its hash)."""
    from sync.hub import tokens

    with _storage(config, data_dir, database) as storage:
        token = tokens.create(storage, name, scope, store)
    typer.echo(token)
    typer.echo(f"token {name}: shown once, keep it now", err=True)


@token_app.command("list")
def token_list(
    config: ConfigOpt = None, data_dir: DataDirOpt = None, database: DatabaseOpt = None
) -> None:
    """Names, scopes, store, created, last used (never a token)."""
    from sync.hub import tokens

    with _storage(config, data_dir, database) as storage:
        rows = tokens.listing(storage)
    typer.echo("name\tscopes\tstore\tcreated\tlast_used")
    for r in rows:
        typer.echo(
            f"{r['name']}\t{','.join(r['scopes'])}\t{r['store_id'] or '-'}"
            f"\t{r['created_at']}\t{r['last_used_at'] or 'never'}"
        )


@token_app.command("revoke")
def token_revoke(
    name: str, config: ConfigOpt = None, data_dir: DataDirOpt = None, database: DatabaseOpt = None
) -> None:
    """Revoke a token at once (its callers get 401)."""
    from sync.hub import tokens

    with _storage(config, data_dir, database) as storage:
        tokens.revoke(storage, name)
    typer.echo(f"token {name} revoked")
