"""Plugs the devices part into a node: its tables, the print-on-sale hook, the print worker and
scanner readers, its HTTP routes and `store-edge devices`."""

from __future__ import annotations

from devices import service
from devices.api import router
from devices.cli import app as cli_app
from devices.config import DevicesConfig, devices_config
from devices.fiscal import operations as fiscal_ops
from devices.fiscal import service as fiscal
from devices.fiscal.api import router as fiscal_router
from devices.fiscal.cli import app as fiscal_cli
from devices.fiscal.config import FiscalConfig
from devices.fiscal.metrics import FiscalCollector
from devices.metrics import PrinterCollector
from devices.runtime import runtime
from devices.scanners import ScannerManager
from devices.schema import devices_migrations
from devices.worker import PrintWorker
from edge.plugins import Component, Plugin
from edge.services.context import Context


def setup(ctx: Context) -> None:
    rt = runtime(ctx)
    ctx.hooks.on_sale.append(lambda conn, sale: service.on_sale(ctx, conn, sale))
    ctx.hooks.on_sale.append(lambda conn, sale: fiscal.on_sale(ctx, conn, sale))
    ctx.hooks.before_checkout.append(lambda: fiscal.before_checkout(ctx))
    ctx.hooks.after_sale.append(lambda sale, replayed: fiscal.after_sale(ctx, sale, replayed))
    ctx.hooks.readiness.append(lambda: fiscal_ops.readiness(ctx))
    ctx.hooks.print_document = lambda conn, kind, payload: (
        service.enqueue_document(conn, ctx, kind, payload) is not None
    )
    # The checkout commits then calls this: the worker starts on the receipt at once.
    ctx.hooks.after_outbox.append(rt.wake)


def print_worker(ctx: Context) -> Component | None:
    return PrintWorker(ctx) if devices_config(ctx.settings).printers else None


def scanners(ctx: Context) -> Component | None:
    return ScannerManager(ctx) if devices_config(ctx.settings).scanners else None


PLUGIN = Plugin(
    name="devices",
    settings={"devices": DevicesConfig, "fiscal": FiscalConfig},
    migrations=devices_migrations,
    setup=setup,
    routers=[router, fiscal_router],
    components=[print_worker, scanners, fiscal_ops.component],
    metrics=[PrinterCollector, FiscalCollector],
    cli=[("devices", cli_app), ("fiscal", fiscal_cli)],
    preflight=fiscal_ops.check_vat_table,
)
