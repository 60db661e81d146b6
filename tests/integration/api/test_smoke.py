from fastapi.testclient import TestClient

from tests.conftest import login


def test_health_and_a_demo_product(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    assert client.get("/api/v1/products", params={"q": "mleko"}).status_code == 200
    assert login(client)["Authorization"].startswith("Bearer ")
