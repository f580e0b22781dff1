"""Design-based survey estimation (Taylor linearization), validated against R's `survey` package.

Small verbs, like R's: `Design` (svydesign), `ratio_by_domain` / `mean_by_domain` /
`proportion_by_domain` / `total_by_domain` (svyby with svyratio / svymean / svyciprop / svytotal),
`contrast` (svycontrast on svyby(covmat=TRUE)), `logit_ci` / `t_ci` (confidence intervals).

Domains are integer codes (n,) with -1 for "in no domain"; variables are (n, k) arrays, so many
variables and domains are estimated in one pass: O(n log n + n k) time, memory bounded by column
blocks plus the (PSU x domain, k) score totals kept for contrasts.
"""

from .design import LONELY_PSU_OPTIONS, Design, LonelyPSU, LonelyPSUError
from .estimators import (
    Contrast,
    DomainRatios,
    contrast,
    mean_by_domain,
    proportion_by_domain,
    ratio_by_domain,
    total_by_domain,
)
from .intervals import logit_ci, t_ci
from .linearization import psu_totals, stratified_variance, total_variance

__all__ = [
    "LONELY_PSU_OPTIONS",
    "Contrast",
    "Design",
    "DomainRatios",
    "LonelyPSU",
    "LonelyPSUError",
    "contrast",
    "logit_ci",
    "mean_by_domain",
    "proportion_by_domain",
    "psu_totals",
    "ratio_by_domain",
    "stratified_variance",
    "t_ci",
    "total_by_domain",
    "total_variance",
]
