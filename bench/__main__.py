"""`python -m bench` (make bench): print the figures; benchmarks are not tests."""

from __future__ import annotations

import sys

from bench import (
    bot,
    chart,
    commands,
    delivery,
    export,
    import_seed,
    parse_date,
    reimport,
    scale,
    sweep,
    understand,
    xlsx_10k,
)

BENCHES = {
    "import-seed": import_seed.main,
    "xlsx-10k": xlsx_10k.main,
    "reimport": reimport.main,
    "parse-date": parse_date.main,
    "commands": commands.main,
    "bot": bot.main,
    "delivery": delivery.main,
    "sweep": sweep.main,
    "understand": understand.main,
    "export": export.main,
    "chart": chart.main,
    "scale": scale.main,
}
# Those that take options after their name: python -m bench scale --sizes 1000,10000
WITH_OPTIONS = {"scale": scale.main}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHES)
    if chosen[0] in WITH_OPTIONS and len(chosen) > 1 and chosen[1].startswith("-"):
        WITH_OPTIONS[chosen[0]](chosen[1:])
    else:
        for name in chosen:
            BENCHES[name]()
