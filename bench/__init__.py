"""Benchmarks. `make bench` runs every `bench/bench_*.py`; each prints its figures beside the
limit they are compared with, measured in the same run, and adds them to
`var/bench/results.json` as {"<figure>": {"value", "unit", "limit", "ratio"}}."""
