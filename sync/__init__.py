"""Store ↔ hub replication: protocol, edge agent and the hub service."""
