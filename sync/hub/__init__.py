"""The hub: the central side of replication (`store-edge hub`)."""
