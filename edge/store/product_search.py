"""The shopper's search over the catalogue's FTS5 index (its rows are written by catalogue_repo):
every typed word a prefix, every letter folded; exact names first, then names that start with
what was typed, then relevance; every match reachable page by page."""

from __future__ import annotations

import re
import sqlite3

from edge.domain.catalogue import Product
from edge.domain.text import fold
from edge.store.catalogue_repo import COLUMNS, products_of

_TOKEN = re.compile(r"\w+", re.UNICODE)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))[:8]


def fts_query(text: str) -> str | None:
    """Every word of what the shopper typed, folded as the index is, as a prefix match, all
    required. Quoting each token keeps FTS5 syntax (AND, NEAR, quotes, *) typed by a user from
    being interpreted."""
    tokens = _tokens(text)
    if not tokens:
        return None
    return " ".join(f'"{t}"*' for t in tokens)


# bm25 costs a few microseconds per matching row: ranking all 60 000 products that match "m*"
# takes 100+ ms. Up to this many matches are ranked by relevance; a broader query (the first
# letters typed) is narrowed to its first this many candidates, ordered by how well the name
# fits, and the pages after them follow in catalogue order.
RANK_LIMIT = 300


def search(
    conn: sqlite3.Connection,
    text: str,
    limit: int = 20,
    offset: int = 0,
    category: str | None = None,
) -> list[Product]:
    query = fts_query(text)
    if query is None:
        where, params = (
            "WHERE p.active = 1" + (" AND p.category = ?" if category else ""),
            [category] if category else [],
        )
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM products p {where} ORDER BY p.name_pl, p.sku LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
        return products_of(conn, rows)
    cat = " AND p.category = ?" if category else ""
    select = (
        f"SELECT p.{COLUMNS.replace(', ', ', p.')} FROM products_fts f"
        f" JOIN products p ON p.id = f.rowid"
        f" WHERE products_fts MATCH ? AND p.active = 1{cat}"
    )
    args = [query, *([category] if category else [])]
    broad = (
        conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM products_fts WHERE products_fts MATCH ? LIMIT ?)",
            [query, RANK_LIMIT + 1],
        ).fetchone()[0]
        > RANK_LIMIT
    )
    typed = fold(text).strip()
    if not broad:  # all matches: the best-fitting names first, by relevance within each tier
        rows = conn.execute(f"{select} ORDER BY f.rank", args).fetchall()
        rows.sort(key=lambda r: _name_fit(r, typed)[0])
        return products_of(conn, rows[offset : offset + limit])
    # The first matches in catalogue order, and the names that are or start with what was
    # typed: the ranked window. The pages after it follow in catalogue order, without the
    # window's rows.
    ranked = conn.execute(f"{select} ORDER BY f.rowid LIMIT ?", [*args, RANK_LIMIT]).fetchall()
    if len(ranked) < RANK_LIMIT:  # the category leaves fewer: all of them are ranked
        ranked.sort(key=lambda r: _name_fit(r, typed))
        return products_of(conn, ranked[offset : offset + limit])
    named = conn.execute(  # the name as typed, or starting with it (products.name_key)
        f"SELECT {COLUMNS} FROM products p WHERE p.name_key >= ? AND p.name_key < ?"
        f" AND p.active = 1{cat} ORDER BY p.name_key LIMIT ?",
        [typed, typed + "\U0010ffff", *args[1:], RANK_LIMIT],
    )
    extra = [r for r in named if r["id"] > ranked[-1]["id"]]
    ranked += extra
    ranked.sort(key=lambda r: _name_fit(r, typed))
    page = ranked[offset : offset + limit]
    if offset + limit > len(ranked):
        skip = {r["id"] for r in extra}
        rest = conn.execute(
            f"{select} ORDER BY f.rowid LIMIT ? OFFSET ?",
            [*args, offset + limit - len(ranked) + len(skip), RANK_LIMIT],
        ).fetchall()
        rest = [r for r in rest if r["id"] not in skip]
        page += rest[max(0, offset - len(ranked)) : offset + limit - len(ranked)]
    return products_of(conn, page)


def _name_fit(row: sqlite3.Row, typed: str) -> tuple[int, int, str]:
    """The name typed exactly first, then names that start with it, then the others; among
    equals shorter (more generic) names first. Only a name's first letters are folded: enough
    to compare with what was typed, and ranking folds hundreds of names a keystroke."""
    pl, en = row["name_pl"] or "", row["name_en"] or ""
    heads = [fold(n[: len(typed) + 1]) for n in (pl, en) if n]
    tier = 0 if typed in heads else 1 if any(h.startswith(typed) for h in heads) else 2
    return tier, len(pl), pl
