"""Issue 18: a shift over HTTP: opened with a float, one per register, closed with a blind
count whose difference is answered and recorded."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import login


def test_a_shift_opens_once_and_closes_with_its_difference(client: TestClient) -> None:
    headers = login(client)
    assert client.get("/api/v1/shifts/current", headers=headers).status_code == 404
    r = client.post("/api/v1/shifts", json={"float": 20000}, headers=headers)
    assert r.status_code == 201 and r.json()["float"] == 20000 and r.json()["register"] == "01"
    assert client.post("/api/v1/shifts", json={"float": 0}, headers=headers).status_code == 409
    assert client.get("/api/v1/shifts/current", headers=headers).json()["float"] == 20000
    bad = client.post("/api/v1/shifts/close", json={"counted": -1}, headers=headers)
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    done = client.post("/api/v1/shifts/close", json={"counted": 20100}, headers=headers).json()
    assert (done["expected"], done["counted"], done["difference"]) == (20000, 20100, 100)
    assert (
        client.post("/api/v1/shifts/close", json={"counted": 0}, headers=headers).status_code == 409
    )
    assert client.post("/api/v1/shifts", json={"float": 100}).status_code == 401
