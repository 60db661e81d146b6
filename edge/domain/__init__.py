"""Business rules of a store as plain Python: no I/O, stdlib only (a unit test enforces it)."""
