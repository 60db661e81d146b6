"""The returns register (ewidencja zwrotów): every return line with its protocol's data, as
CSV over HTTP and from `store-edge returns export`."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from edge.cli import _add_plugin_commands, app
from edge.config import Settings
from tests.conftest import login

API = "/api/v1"


def _sale_and_return(client: TestClient, auth: dict[str, str]) -> tuple[str, str, dict]:
    item = client.get(f"{API}/products", params={"q": "mleko"}).json()["items"][0]
    bid = client.post(f"{API}/baskets", headers=auth).json()["id"]
    client.post(f"{API}/baskets/{bid}/lines", headers=auth, json={"sku": item["sku"], "qty": 2})
    body = {"tenders": [{"type": "cash", "amount": 2 * item["price"]}]}
    sale = client.post(f"{API}/baskets/{bid}/checkout", headers=auth, json=body).json()
    r = client.post(
        f"{API}/returns",
        headers=auth,
        json={"receipt_no": sale["receipt_no"],
              "lines": [{"sku": item["sku"], "qty": 1, "reason": "defective"}]},
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return sale["receipt_no"], r.json()["return_id"], item


def test_the_returns_register_exports_as_csv(client: TestClient, settings: Settings) -> None:
    auth = login(client)
    receipt_no, return_id, item = _sale_and_return(client, auth)
    r = client.get(f"{API}/returns/register.csv", headers=auth)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    [row] = list(csv.DictReader(io.StringIO(r.text)))
    assert row["return_id"] == return_id and row["original_ref"] == receipt_no
    assert row["sku"] == item["sku"] and row["qty"] == "1" and row["reason"] == "defective"
    assert row["refund"] == str(item["price"]) and row["cashier"] == "cashier"
    assert row["name"]  # the product's name, as the protocol shows it
    assert client.get(f"{API}/returns/register.csv", params={"since": "2999-01-01"},
                      headers=auth).text.count("\n") == 1  # fmt: skip

    _add_plugin_commands()
    out = CliRunner().invoke(app, ["returns", "export", "--data-dir", str(settings.data_dir)])
    assert out.exit_code == 0, out.output
    [exported] = list(csv.DictReader(io.StringIO(out.stdout)))
    assert exported["return_id"] == return_id


def test_a_bad_date_is_a_problem(client: TestClient) -> None:
    auth = login(client)
    r = client.get(f"{API}/returns/register.csv", params={"since": "yesterday"}, headers=auth)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
