from tests.integration.sync.conftest import broker, hub, node  # noqa: F401  (shared fixtures)
