"""Time the legacy bonus formula in-process (no HTTP) on a generated employee CSV.

    PYTHONPATH=infra/legacy-fastapi /usr/bin/python3 bench/engine/legacy_timing.py rows.csv results.jsonl [repeats]

Prints one JSON line: rows, best/median seconds (wall and CPU), peak traced memory of one run.
Writes the canonical results (one JSON object per line) to results.jsonl for the identity check.
"""

import csv
import json
import resource
import statistics
import sys
import time
import tracemalloc

from legacy_fastapi.formula import calculate, to_wire


def main() -> int:
    csv_path, out_path = sys.argv[1], sys.argv[2]
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    calculate(rows[:1000])  # warm-up
    walls, cpus = [], []
    results = None
    for _ in range(repeats):
        results = None
        c0, t0 = time.process_time(), time.perf_counter()
        results = calculate(rows)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    tracemalloc.start()
    calculate(rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with open(out_path, "w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps(to_wire(r)) + "\n")
    print(json.dumps({
        "rows": len(rows),
        "wall_best": min(walls), "wall_median": statistics.median(walls),
        "cpu_best": min(cpus), "cpu_median": statistics.median(cpus),
        "peak_bytes": peak,
        "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
