"""Design-based survey estimation (Taylor linearization), validated against R's `survey` package.

Two layers, like R's verbs:

* the tidy API: `Design.from_frame(df, weight=..., strata=..., psu=...)` (svydesign), then
  `design.mean("y", by="group", level=0.95)`, `.proportion(...)`, `.ratio("num", "den", by=...)`, `.total(...)`
  (svyby with svymean / svyciprop / svyratio / svytotal), each a tidy `SurveyTable` (by-columns,
  variable, estimate, se, ci_low, ci_high, df, deff, n), and `contrast(table, {"idp": 1,
  "comparison": -1})` (svycontrast);
* the array layer underneath, for the indicator engine: `ratio_by_domain` / `mean_by_domain` /
  `proportion_by_domain` / `total_by_domain` on integer domain codes (n,) (-1 = in no domain) and
  (n, k) variables, `domain_differences(dr, a=..., b=...)` between domains, `logit_ci` / `t_ci`, `proportion_ci` (logit, Korn–Graubard at 0
  or 1).

Both run on dense integer codes (`codes.py`) and one `np.bincount` pass per variable over the records'
(PSU, domain) cells (`cells.py`): O(n k) time, no sort of the records, no sparse matrix.
"""

from .contrasts import Contrast, LinearContrasts, domain_differences, linear_contrasts
from .design import LONELY_PSU_OPTIONS, Design, LonelyPSU, LonelyPSUError
from .estimators import (
    DomainRatios,
    domain_estimates,
    mean_by_domain,
    proportion_by_domain,
    ratio_by_domain,
    total_by_domain,
)
from .intervals import korn_graubard_ci, logit_ci, proportion_ci, t_ci
from .linearization import psu_totals, stratified_variance, total_variance
from .tidy import SurveyTable, contrast

__all__ = [
    "LONELY_PSU_OPTIONS",
    "Contrast",
    "Design",
    "DomainRatios",
    "LinearContrasts",
    "LonelyPSU",
    "LonelyPSUError",
    "SurveyTable",
    "contrast",
    "domain_differences",
    "domain_estimates",
    "korn_graubard_ci",
    "linear_contrasts",
    "logit_ci",
    "mean_by_domain",
    "proportion_by_domain",
    "proportion_ci",
    "psu_totals",
    "ratio_by_domain",
    "stratified_variance",
    "t_ci",
    "total_by_domain",
    "total_variance",
]
