"""Fiscal devices: the port the node sells through, the Posnet driver and its emulator."""
