"""`python -m bench [name ...]` runs bench/bench_*.py (all, or those whose name contains one of
the arguments) and saves every figure to var/bench/results.json."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

from bench.report import Report


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    report = Report()
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").run(report)
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            failed.append(name)
            print(f"  FAILED: {exc!r}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        report.save()
    print(f"figures saved to {report.path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
