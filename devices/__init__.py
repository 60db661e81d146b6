"""Store hardware: receipt printers, cash drawers and barcode scanners."""
