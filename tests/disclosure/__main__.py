"""Run the attack on a built report: `cd tests && python -m disclosure ../outputs/2026 [../params/global.yml]`.

With the params, the withheld values are recomputed from the data (never published) to confirm what is
rebuilt; the published files alone are enough to count what can be rebuilt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .attack import attack, relative_margins
from .published import collect
from .truth import unsuppressed


def main(argv: list[str]) -> int:
    year_dir = Path(argv[0])
    params = Path(argv[1]) if len(argv) > 1 else None
    pub = collect(year_dir)
    result = attack(pub, relative_margins(params) if params else {}, unsuppressed(params) if params else None)
    print(f"read {len(pub.estimates)} estimate rows and {len(pub.facts)} page numbers {pub.sources}")
    print(result.summary())
    if result.recovered:
        for channel in ("gap", "categories", "partition", "breakdown", "universe", "margin", "page", "trend", "counts"):
            alone = attack(pub, relative_margins(params) if params else {}, only={channel})
            print(f"  through {channel} relations alone: {len(alone.recovered)}")
    print(f"page numbers agreeing with the downloads: {result.facts_checked}, disagreeing: "
          f"{len(result.facts_disagreeing)}, chart numbers unexplained: {len(result.chart_numbers_unexplained)}")
    return 1 if result.recovered else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
