"""Demo data for the embedded default: a realistic small-supermarket catalogue and demo staff."""
