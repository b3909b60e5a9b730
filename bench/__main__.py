"""`python -m bench` (make bench): print the figures; benchmarks are not tests."""

from __future__ import annotations

import sys

from bench import (
    bot,
    chart,
    delivery,
    export,
    import_seed,
    parse_date,
    reimport,
    sweep,
    understand,
    xlsx_10k,
)

BENCHES = {
    "import-seed": import_seed.main,
    "xlsx-10k": xlsx_10k.main,
    "reimport": reimport.main,
    "parse-date": parse_date.main,
    "bot": bot.main,
    "delivery": delivery.main,
    "sweep": sweep.main,
    "understand": understand.main,
    "export": export.main,
    "chart": chart.main,
}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHES)
    for name in chosen:
        BENCHES[name]()
