"""The browser tests' node and Chromium: one of each per test module (a module may define its
own, as test_ui_browser.py does)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from edge.node import load_settings
from kiosk_ui.harness import CHROMIUM_ARGS, Served, serve, wait_for_chromium
from tests.waiting import TIMEOUT_S


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A whole node (with its device workers) under uvicorn, its data in a fresh directory."""
    settings = load_settings(None, {"data_dir": tmp_path_factory.mktemp("ui") / "var"})
    with serve(settings, timeout=TIMEOUT_S) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=wait_for_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()
