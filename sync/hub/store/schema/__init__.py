"""The hub's tables, as the list of its numbered migrations (run by migrations.py). Written with
PostgreSQL's types; the SQLite adapter spells them TEXT/INTEGER.

Numbering: 1–2 are the hub's replication and catalogue tables; 3–9 belong to hub trust (tokens,
limits), 10–14 to orders and money, 20–29 to stock documents and the ERP's feed, 40–49 to
customers and loyalty; later parts take the next free numbers. A number and its name never
change once released: databases in the field record them."""

from __future__ import annotations

from sync.hub.store.migrations import Migration
from sync.hub.store.schema import customers, documents, orders_sales, replication

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "replication", replication.create_replication),
    Migration(2, "catalogue", replication.create_catalogue),
    Migration(3, "api_tokens", replication.create_api_tokens),
    Migration(5, "dead_letter_retention", replication.index_dead_letters_by_age),
    Migration(10, "order_terms", orders_sales.add_order_terms),
    Migration(11, "returns_by_original", orders_sales.index_returns_by_original),
    Migration(20, "stock_documents", documents.create_stock_documents),
    Migration(21, "feed", documents.create_feed),
    Migration(22, "webhooks", documents.create_webhooks),
    Migration(30, "fiscal_numbers", orders_sales.add_fiscal_numbers),
    Migration(40, "loyalty_rules", customers.create_loyalty_rules),
    Migration(41, "customers", customers.create_customers),
    Migration(42, "customer_stores", customers.create_customer_stores),
    Migration(43, "loyalty_overdrafts", customers.add_loyalty_overdrafts),
    Migration(44, "member_prices", customers.add_member_prices),
    Migration(45, "order_changes", orders_sales.create_order_changes),
)
