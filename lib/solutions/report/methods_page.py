"""The methods page's sections (notebooks/methods.ipynb): the indicator catalogue, estimation and
suppression rules, data sources and provenance."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd

from .blocks import (  # sections every page has
    attr,
    banner,
    country_names,
    criteria_names,
    note,
    object_frame,
    provenance_section,
    title,
    unit_plural,
)
from .formatting import (
    DEFAULT_MIN_N,
    short_hash,
)
from .output import emit
from .provenance import normalise, provenance_html
from .tables import (
    Markup,
    html_table,
)


# ------------------------------------------------------------ methods page ----
def methods_catalogue(catalogue: Any) -> None:
    """Every indicator of the catalogue, per criterion: id, title, definition, universe, unit, direction,
    PRDS objective, level, kind and disaggregations (generated from the catalogue itself)."""
    try:
        from solutions.catalogue import PRDS_OBJECTIVES
    except ImportError:  # pragma: no cover
        PRDS_OBJECTIVES = {}
    version = attr(catalogue, "version", "")
    note(f"Catalogue version {version}.")
    names = criteria_names()
    inds = list(getattr(catalogue, "indicators", ()))
    for c in sorted({int(i.criterion) for i in inds}):
        label = f"{c}. {names[c]}" if c in names else ("Cross-criteria" if c == 0 else f"Criterion {c}")
        emit(f"<h3>{html.escape(label)}</h3>")
        records = []
        for i in (x for x in inds if int(x.criterion) == c):
            universe = attr(i, "universe", None)
            breakdown = attr(i, "breakdown", None)
            records.append({
                "Id": i.id,
                "Indicator": i.title,
                "Definition": i.definition
                + (f" Broken down by {breakdown.variable.replace('_', ' ')}." if breakdown is not None else ""),
                "Universe": f"{unit_plural(i)} where {universe}" if universe else f"all {unit_plural(i)}",
                "Kind": str(i.kind).replace("_", " "),
                "Better": {"higher": "higher", "lower": "lower"}.get(str(i.direction), "no direction"),
                "PRDS objective": f"{i.prds_objective} {PRDS_OBJECTIVES.get(int(i.prds_objective), '')}".strip(),
                "Level": i.level,
                "Disaggregations": ", ".join(getattr(i, "disaggregations", ()) or ()) or "–",
            })
        emit(html_table(object_frame(records)))


def _config_dict(global_config: Any) -> dict[str, Any]:
    if isinstance(global_config, str | Path):
        from solutions.config import load_global

        global_config = load_global(global_config)
    if hasattr(global_config, "model_dump"):
        return global_config.model_dump()
    return dict(global_config or {})


def estimation_rules(global_config: Any) -> None:
    """The estimation, gap and suppression rules in force (thresholds read from the global config) and
    the conditions of the solutions measure. ``global_config``: a path, a GlobalConfig or a dict."""
    cfg = _config_dict(global_config)
    thr = cfg.get("thresholds", {}) or {}
    min_n = thr.get("min_n", DEFAULT_MIN_N)
    max_cv = thr.get("max_cv", 0.30)
    level = float(thr.get("confidence_level", 0.95))
    lonely = thr.get("lonely_psu", "adjust")
    rows = [
        ("Point estimates", "Weighted (design weights); proportions and means are ratio estimators Σw·y / Σw "
         "over the universe of the indicator."),
        ("Standard errors", "Taylor linearization, with-replacement approximation of the first stage, PSUs "
         "nested in strata; domains estimated on the full design (out-of-domain scores set to zero)."),
        ("Single-PSU strata", f"Rule '{lonely}' (as R survey.lonely.psu)."),
        ("Confidence intervals", f"{level * 100:.0f}%: logit interval for proportions, Student t otherwise, "
         "with the design degrees of freedom (PSUs minus strata)."),
        ("Missing answers", "Missing, don't know and refused are excluded from the universe and counted."),
        ("Gap", "Displaced group minus comparison group on the same indicator and domain, estimated as one "
         "linearized contrast (the groups share PSUs)."),
        ("Gap closed", "The gap is not significantly worse than zero at the confidence level, taking the "
         "indicator's direction into account; distributions have no direction and are not assessed."),
        ("Criterion status", "Gap open if any indicator is significantly worse; insufficient data when "
         "estimates are withheld; gap closed when every assessed indicator has closed the gap."),
        ("Suppression", f"An estimate whose unweighted denominator is below {min_n} is withheld and shown as "
         "text; cells that would let it be recovered are withheld too (complementary suppression)."),
        ("Precision flag", f"An estimate whose coefficient of variation exceeds {float(max_cv) * 100:.0f}% is "
         "flagged as low precision."),
        ("Trends", "Only estimates computed with the same catalogue version are compared across report years. "
         "The change since the previous comparable year treats the two surveys as independent: its standard "
         "error is √(se₁² + se₂²), with Student's t on the smaller of the two design degrees of freedom; "
         "withheld estimates give no change."),
    ]
    emit(html_table(pd.DataFrame(rows, dtype=object, columns=["Rule", "In force"]), caption="Estimation and disclosure rules"))
    measure = cfg.get("solutions_measure") or []
    conditions = measure.get("conditions", []) if isinstance(measure, dict) else measure
    if conditions:
        frame = pd.DataFrame([
            {"Criterion": c.get("criterion"), "Condition": c.get("label"), "Expression": c.get("condition")}
            for c in conditions
        ])
        emit(html_table(frame, caption="Solutions measure (SOL-1): a displaced household counts when it meets "
                         "every condition"))


def data_provenance(g: Any, *, global_table_href: str = "results/global/estimates.csv") -> None:
    """Per-country checksums, config hash, code version and build date, with links (relative to the site
    root) to each country's results CSV and to the global table."""
    prov = normalise(attr(g, "provenance", {}) or {})
    per_country = prov.get("countries", {}) or {}
    countries = attr(g, "countries", None)
    isos = list(countries["iso3"]) if countries is not None and not countries.empty else sorted(per_country)
    names = country_names(g)
    status = ({str(r["iso3"]): str(r["status"]) for _, r in countries.iterrows()}
              if countries is not None and not countries.empty else {})
    records = []
    for iso in isos:
        p = normalise(per_country.get(iso, {}) or {})
        inputs = p.get("inputs", {}) or {}
        checks = Markup("<br>".join(
            f"<code>{html.escape(Path(str(k).replace(chr(92), '/')).name)}</code> "
            f"<code>{html.escape(short_hash(v))}</code>" for k, v in sorted(inputs.items())) or "–")
        ok = status.get(iso, "ok") == "ok"
        href = f"results/{iso}/estimates.csv"
        records.append({
            "Country": names.get(iso, iso),
            "Status": status.get(iso, "ok"),
            "Input data (sha256)": checks,
            "Config (sha256)": Markup(f"<code>{html.escape(short_hash(p.get('config_sha256', '')))}</code>")
            if p.get("config_sha256") else "–",
            "Code version": p.get("code_version", "–"),
            "Built": p.get("build_date", "–"),
            "Results": Markup(f'<a href="{html.escape(href)}" download>estimates.csv</a>') if ok else "not built",
        })
    if records:
        emit(html_table(object_frame(records), caption="Data and results by country"))
    emit(f'<p>Global table of all countries: <a href="{html.escape(global_table_href)}" download>'
          f"{html.escape(Path(global_table_href).name)}</a>.</p>")
    emit(provenance_html(prov, heading="Provenance of this edition"))


__all__ = [
    "banner",
    "data_provenance",
    "estimation_rules",
    "methods_catalogue",
    "provenance_section",
    "title",
]
