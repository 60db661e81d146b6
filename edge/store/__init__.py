"""The store's SQLite database: connections, migrations, repositories and the outbox."""
