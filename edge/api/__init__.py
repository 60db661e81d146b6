"""The node's HTTP API under /api/v1: thin routers (request → service → response)."""
