"""The edge node's own tables (component `edge`): the one migration set, assembled from the
domain modules beside this one, each of which declares its numbered migrations.

Every part is named here, so a migration is never left out by an import that did not happen
(tests/unit/test_edge_migrations.py lists every number). Migrations apply in number order,
whichever module holds them. A migration's number and name never change: databases in the
field record them. Blocks of numbers were set aside: 10-19 money rules (issue 12), 25-29 till
shifts (issue 18), 40-49 stock documents (issue 16)."""

from __future__ import annotations

from edge.store.migrations import MigrationSet
from edge.store.schema import catalogue, loyalty, pickups, selling, stock

edge_migrations = MigrationSet("edge").include(
    catalogue.migrations,
    stock.migrations,
    selling.migrations,
    pickups.migrations,
    loyalty.migrations,
)
