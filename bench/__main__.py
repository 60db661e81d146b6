"""`python -m bench [name ...]` runs bench/bench_*.py (all, or those whose name contains one of
the arguments) and saves every figure to var/bench/results.json."""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

from bench.report import Report


def run_one(name: str) -> int:
    report = Report()
    started = time.perf_counter()
    try:
        importlib.import_module(f"bench.{name}").run(report)
    except Exception as exc:  # one broken benchmark must not hide the others' figures
        print(f"  FAILED: {exc!r}", flush=True)
        return 1
    finally:
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        report.save()
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return run_one(argv[1])
    here = Path(__file__).parent
    names = sorted(p.stem for p in here.glob("bench_*.py"))
    if argv:
        names = [n for n in names if any(a in n for a in argv)]
    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        # A process per file: threads, caches and garbage one benchmark leaves behind must not
        # weigh on the next one's figures.
        if subprocess.run([sys.executable, "-m", "bench", "--one", name], check=False).returncode:
            failed.append(name)
    print(f"figures saved to {Report().path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
