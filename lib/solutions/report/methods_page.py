"""The methods page's sections (notebooks/methods.ipynb), in plain language: the framework, who is compared
and how, the solutions measure, precision and suppression, how estimates are computed, limitations, a
glossary, every indicator of the catalogue in words, the data sources, and the build details in a collapsed
appendix.

Everything that varies is generated from the catalogue and the global config (thresholds, margins, the
solutions-measure rule), so the page never drifts from the code; it never shows an expression or a variable
name: an indicator's universe is its ``universe_text``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from solutions.catalogue import Catalogue, Indicator
from solutions.config import EquivalenceMargin, Thresholds
from solutions.indicators import GlobalResults

from . import wording
from .blocks import (  # sections every page has
    banner,
    country_names,
    criteria_names,
    estimates_only,
    note,
    provenance_appendix,
    title,
    unit_plural,
    universe_words,
)
from .formatting import is_missing, short_hash
from .output import emit
from .provenance import normalise
from .tables import html_table, status_chip
from .templating import Markup, macros, stylesheet

_T = macros("methods.html.j2")
_C = macros("common.html.j2")

IASC_DEFINITION = (
    "A durable solution is achieved when internally displaced persons (IDPs) no longer have specific "
    "assistance and protection needs linked to their displacement and can enjoy their human rights without "
    "discrimination on account of their displacement."
)
#: What each IASC criterion asks, in a sentence (the criteria's names come from the catalogue).
CRITERIA_QUESTIONS: dict[int, str] = {
    1: "Are displaced people as safe as others, with access to justice and free to move?",
    2: "Do they have adequate housing, water and schooling?",
    3: "Can they find work and reach financial services and assistance?",
    4: "Can they get their housing, land and property back, or compensation?",
    5: "Do they have, or can they replace, their personal documents?",
    6: "Have families separated by displacement been able to reunite?",
    7: "Do they vote and take part in community life like others?",
    8: "Can they reach remedies for violations suffered, and do they feel justice was done?",
}
#: IOM's Progressive Resolution of Displacement Situations (PRDS) framework, its three strategic objectives.
PRDS_TEXT: dict[int, str] = {
    1: "strengthen coping capacities weakened as a result of displacement situations",
    2: "foster self-reliance by responding to the longer-term consequences of displacement situations",
    3: "create conducive environments by addressing the root causes of crisis and displacement",
}
GROUPS_TEXT: dict[str, str] = {
    "idp": "internally displaced persons who still live where they fled to",
    "returnee": "IDPs who have returned to their place of origin",
    "relocated": "IDPs who have settled elsewhere in the country",
    "comparison": "people who were never displaced and live in the same areas (often the host community); "
                  "the benchmark every displaced group is compared with",
}
KIND_TEXT: dict[str, str] = {
    "proportion": "a share, in percent",
    "ratio": "a rate: one total divided by another",
    "mean": "an average",
    "distribution": "how the group divides across categories (shares adding up to 100%)",
    "by_reason": "how the group divides across reasons (shares adding up to 100%)",
    "system": "the share of assessed locations where each kind of mechanism exists (system level, from key "
              "informants)",
}
DIRECTION_TEXT: dict[str, str] = {
    "higher": "higher is better",
    "lower": "lower is better",
    "none": "no better or worse: described, not compared",
}
DISAGGREGATION_TEXT: dict[str, str] = {
    "sex": "sex",
    "age_band": "age group",
    "urban_rural": "urban or rural area",
    "admin1": "region",
}
LIMITATIONS: tuple[str, ...] = (
    "Confidence intervals cover sampling error only. Non-response, recall and reporting errors, and "
    "differences in how questions were understood, are not in them.",
    "The comparison group lives in the same areas as the displaced groups. A closed gap means displaced "
    "people are not materially worse off than their neighbours, not that either group is well off.",
    "Each survey is a snapshot. A closed gap shows no material disadvantage at the time of the survey; it "
    "does not show that a solution is durable.",
    "Countries' surveys differ in timing, sampling and questionnaires. Comparisons across countries are "
    "indicative.",
    "Whether a gap counts as closed depends on the equivalence margin, a policy choice: with a smaller margin "
    "fewer gaps are closed and more are inconclusive.",
    "A question allowing several answers is counted under the first answer chosen, so breakdowns by reason "
    "count each household once.",
    "Housing, land and property mechanisms and remedy mechanisms are reported by key informants for "
    "locations, not by households; they describe the system and are not compared between groups.",
    "Some indicators rest on perceptions (for example, whether a sense of justice has been restored).",
    "Changes across report years are only shown between editions that used the same indicator definitions.",
)
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("Confidence interval (CI)", "The range of values compatible with the survey data. At the 95% level, "
     "intervals built this way contain the true value in 95 of 100 repeated surveys. A wide interval means "
     "the survey could not measure the value precisely."),
    ("Coefficient of variation (CV)", "The standard error divided by the estimate: the uncertainty relative "
     "to the value itself. A high CV means the estimate is imprecise."),
    ("Design effect", "How much the survey's design (households sampled in clusters, unequal weights) "
     "widens the uncertainty compared with a simple random sample of the same size. A design effect of 2 "
     "means the survey is as precise as a simple random sample half its size."),
    ("Effective sample size (effective n)", "The number of respondents divided by the design effect: the "
     "size of a simple random sample that would give the same precision."),
    ("Degrees of freedom", "The number of clusters (primary sampling units) minus the number of strata. "
     "With few degrees of freedom the survey says little about the variability of the estimate, and "
     "intervals widen."),
    ("Primary sampling unit (PSU)", "A cluster, such as a village or an enumeration area, sampled first; "
     "households are then sampled within it."),
    ("Stratum", "A part of the population (an area, a population group) sampled separately."),
    ("Weight", "How many people or households in the population each respondent stands for."),
    ("Gap", "The displaced group's value minus the comparison group's, on the same indicator in the same "
     "areas."),
    ("Equivalence margin", "The largest disadvantage still counted as no material gap."),
    ("Withheld (suppressed)", "An estimate not published because too few respondents stand behind it, or "
     "because it would let a withheld value be worked out."),
)




# ------------------------------------------------------------------------------------ config -----
def _config_dict(global_config: Any) -> dict[str, Any]:
    if isinstance(global_config, str | Path):
        from solutions.config_loader import load_global

        global_config = load_global(global_config)
    if hasattr(global_config, "model_dump"):
        return global_config.model_dump()
    return dict(global_config or {})


def _thresholds(cfg: Mapping[str, Any]) -> Thresholds:
    """The config's thresholds, validated by the config's own model (its defaults: none written here)."""
    return Thresholds.model_validate({k: v for k, v in (cfg.get("thresholds") or {}).items() if not is_missing(v)})


def _margins(cfg: Mapping[str, Any]) -> tuple[float, float]:
    """The default equivalence margins: absolute (proportions) and relative (means and ratios)."""
    m = EquivalenceMargin.model_validate(cfg.get("equivalence_margin") or {})
    return m.absolute, m.relative


def _pct(value: float) -> str:
    return f"{float(value) * 100:.0f}%"


def _points(value: float) -> str:
    v = round(float(value) * 100, 1)
    text = f"{v:.0f}" if v == int(v) else f"{v:.1f}"
    return f"{text} percentage point{'s' if v != 1 else ''}"


def _paragraphs(*texts: str) -> None:
    emit(_C.paragraphs(texts))


def _items(texts: Any) -> Markup:
    return Markup(_C.items(list(texts)))


def _defs(pairs: Any, css_class: str = "sos-defs") -> Markup:
    return Markup(_C.defs(list(pairs), css_class))


# ------------------------------------------------------------------------------------ sections ---
def framework_section() -> None:
    """The IASC framework, its eight criteria as questions, and the PRDS objectives the indicators inform
    (the page's first section: it carries the page's own CSS, ``methods.css``: definition lists as two columns
    on a wide screen, stacked on a phone; indicator cards separated by a rule)."""
    emit(_C.style(stylesheet("methods.css")))
    _paragraphs(
        IASC_DEFINITION + " (IASC Framework on Durable Solutions for Internally Displaced Persons, 2010.)",
        "A solution can come through return, local integration where people live now, or settlement elsewhere "
        "in the country. It is gradual, so this report measures progress: on each of the framework's eight "
        "criteria, are displaced people worse off than people who were never displaced?",
    )
    names = criteria_names()
    emit(_defs(((f"{c}. {names[c]}", CRITERIA_QUESTIONS.get(c, "")) for c in names), "sos-defs sos-card"))
    _paragraphs(
        "Each indicator also names the objective it informs in IOM's Progressive Resolution of Displacement "
        "Situations (PRDS) framework, which works at the level of the individual, the household, the community "
        "and the system. Its three strategic objectives:")
    emit(_C.items([f"{t.capitalize()}." for t in PRDS_TEXT.values()], "ol"))


def population_groups() -> None:
    """The population groups the report compares (names are configurable per country, the roles are fixed)."""
    from . import style

    emit(_defs((style.group_label(g), t[0].upper() + t[1:] + ".") for g, t in GROUPS_TEXT.items()))
    _paragraphs("Every indicator is estimated for every group a country's survey covers. A country may call its "
                "groups differently; the report always uses these four roles.")


def _margin_of(ind: Indicator) -> tuple[str, float] | None:
    """An indicator's own margin as (``absolute`` or ``relative``, value); None when it states none."""
    margin = ind.margin
    if margin is None:
        return None
    values = margin if isinstance(margin, Mapping) else {"absolute": margin.absolute, "relative": margin.relative}
    for kind in ("absolute", "relative"):
        value = values.get(kind)
        if value is not None and not is_missing(value):
            return kind, float(value)
    return None


def _named(inds: list[Indicator]) -> str:
    return ", ".join(i.title for i in inds)


def catalogue_margins(catalogue: Catalogue, default_absolute: float, default_relative: float) -> list[str]:
    """The equivalence margin of every compared indicator of the catalogue, in sentences: the absolute margins
    (shares and rates of a population, rates named), the relative ones (means and ratios in units, named, or
    that none has one), and the default of an indicator that states none (a country's own)."""
    # system-level indicators (key informants on locations) have a direction but no comparison between groups
    compared = [i for i in catalogue.indicators if str(i.direction) in ("higher", "lower") and str(i.kind) != "system"]
    absolute: dict[float, list[Indicator]] = {}
    relative: dict[float, list[Indicator]] = {}
    for ind in compared:
        stated = _margin_of(ind)
        if stated is not None:
            (absolute if stated[0] == "absolute" else relative).setdefault(stated[1], []).append(ind)
    out = []
    for value, inds in sorted(absolute.items()):
        shares = [i for i in inds if str(i.kind) in ("proportion", "ratio")]
        rates = [i for i in shares if str(i.kind) == "ratio"]
        units = [i for i in inds if i not in shares]
        if shares:
            share = (f"all {len(compared)} indicators compared between groups" if len(shares) == len(compared)
                     else f"{len(shares)} of the {len(compared)} indicators compared between groups")
            out.append(f"{_points(value)} for {'every' if len(shares) > 1 else 'one'} share or rate of a "
                       f"population ({share}"
                       + (f", rates included: {_named(rates)}" if rates else "") + ")")
        if units:
            out.append(f"{value:g} in the indicator's own unit for {_named(units)}")
    for value, inds in sorted(relative.items()):
        out.append(f"{_pct(value)} of the comparison group's value for {_named(inds)} (a mean or a ratio in "
                   "units, where a fixed number of points would mean nothing)")
    sentences = ["The equivalence margin is the largest disadvantage still counted as no material gap. Each "
                 "indicator of the catalogue states its own: " + "; ".join(out) + "." if out else
                 "The equivalence margin is the largest disadvantage still counted as no material gap."]
    if not relative:
        sentences.append("No indicator of this catalogue is judged by a share of the comparison group's value: "
                         "a relative margin is only for means and ratios in units.")
    sentences.append(f"An indicator that states no margin (one a country adds itself) takes {_points(default_absolute)} "
                     f"for shares, and {_pct(default_relative)} of the comparison group's value for averages and "
                     "ratios in units. A country may not loosen a catalogue indicator's margin.")
    return sentences


def bonferroni_levels(level: float, ks: tuple[int, ...] = (2, 3)) -> str:
    """The level of each indicator's interval when a criterion has k indicators with data: ``0.975 for 2``
    (a proportion, not a percentage: the report's percentages are whole, and 97.5 would read as 98)."""
    return ", ".join(f"{1 - (1 - level) / k:.3f}".rstrip("0") + f" for {k}" for k in ks)


def _level_pct(value: float) -> str:
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def comparison_approach(global_config: Any, catalogue: Catalogue | None = None, *,
                        results: GlobalResults | None = None) -> None:
    """The gap, the equivalence margin of each indicator (from ``catalogue``, the packaged one by default) and
    what each gap and criterion status means, with the config's values. With ``results`` of an edition that
    compares no group (no country surveyed a comparison group), a note says first that none of it applies."""
    if results is not None and not results.countries.empty and results.gaps.empty:
        note("No country in this edition surveyed a comparison group, so these pages assess no gap and give no "
             "gap or criterion status: the rules below say how a comparison would be read, not what was found.")
    elif results is not None and not results.countries.empty:
        only = estimates_only(results)
        alone = [name for iso, name in country_names(results).items() if iso in only]  # the report's order
        if len(alone) == 1:
            note(f"The survey of {alone[0]} has no comparison group: no gap or criterion status is given for it, "
                 "and its chapter reports the estimates only. The rules below apply to the other countries.")
        elif alone:
            note(f"The surveys of {', '.join(alone)} have no comparison group: no gap or criterion status is given "
                 "for them, and their chapters report the estimates only. The rules below apply to the other "
                 "countries.")
    if catalogue is None:
        from solutions.catalogue import load_catalogue

        catalogue = load_catalogue()
    cfg = _config_dict(global_config)
    thr = _thresholds(cfg)
    absolute, relative = _margins(cfg)
    level = thr.level
    _paragraphs(
        "For each indicator the report compares each displaced group with the comparison group. The gap is the "
        "displaced group's value minus the comparison group's, estimated from the same survey in one step "
        "(both groups live in the same sampled clusters, so their estimates are not independent).",
        "The disadvantage is the gap turned so that a positive number means the displaced group is worse off "
        "(for an indicator where higher is better, such as access to water, a lower value is a disadvantage).",
        *catalogue_margins(catalogue, absolute, relative),
        f"Each gap gets a status from the {level} confidence interval of the disadvantage. A status is never "
        "read off a test that found no significant difference: a small survey cannot show a gap, and that "
        "is not evidence that there is none.",
    )
    margin = "the indicator's margin"
    rules = {
        "closed": "the whole interval lies below the margin",
        "open": "the whole interval lies above zero, and the gap is not closed",
        "inconclusive": "the interval holds both zero and values beyond the margin",
        "insufficient_data": "either group's estimate is withheld",
        "not_assessed": "shown, not compared",
    }
    emit(_T.status_rules([(status_chip(s), wording.status_meaning(s, margin=margin).capitalize(), r)
                          for s, r in rules.items()]))
    label = wording.status_label
    _paragraphs(
        "A criterion brings its indicators together, for each displaced group, over the indicators that have "
        f"data. {label('open')} on the criterion when, on at least one of them, the disadvantage is above zero "
        f"even with a wider interval: each indicator's interval is taken at 1 − α/k, where α = "
        f"{_level_pct(1 - thr.confidence_level)} is the error the {level} intervals allow and k the "
        f"number of indicators with data ({bonferroni_levels(thr.confidence_level)} indicators; the "
        "Bonferroni correction). Looking at several indicators gives more chances for one of "
        "them to look worse by chance alone; the wider intervals keep the chance of calling a criterion open "
        f"wrongly at most {_level_pct(1 - thr.confidence_level)}. "
        f"{label('closed')} when every indicator with data is closed. "
        f"{label('not_collected')} when the survey asked none of the criterion's questions: nothing was "
        f"measured, which is not the same as {label('insufficient_data').lower()}, when the questions were asked "
        f"but every estimate is withheld. {label('inconclusive')} otherwise.")


def _measure_rule(cfg: Mapping[str, Any], g: GlobalResults | None) -> dict[str, Any]:
    """The solutions-measure rule: ``{"scoring", "conditions": [{criterion, label}], "missing_conditions"}``.

    Read from the results (``solutions_measure`` of the global results) when they describe it, else from
    the global config's list of conditions (every condition must be met).
    """
    measure = g.solutions_measure if g is not None else None
    raw = cfg.get("solutions_measure") or []
    source = measure if isinstance(measure, Mapping) and measure.get("conditions") else raw
    if isinstance(source, Mapping):
        return {"scoring": source.get("scoring", "all"), "conditions": list(source.get("conditions") or []),
                "missing_conditions": source.get("missing_conditions", "not_available")}
    return {"scoring": "all", "conditions": list(source), "missing_conditions": "not_available"}


#: What happens to a country whose survey lacks what a condition needs (the config's ``missing_conditions``).
MISSING_CONDITIONS_TEXT: dict[str, str] = {
    "not_available": "When a country's survey lacks what a condition needs, the measure is not available for "
                     "that country, and its page says which information is missing.",
    "partial": "When a country's survey lacks what a condition needs, the measure is computed over the "
               "conditions its survey covers, and its page says it is partial and which information is missing.",
    "error": "Every country's survey must cover every condition: a survey that does not is rejected before "
             "anything is computed.",
}


def _measure_exceptions(measure: Any, names: Mapping[str, str]) -> list[str]:
    """Countries where the measure is partial or not available, named (their pages say what is missing)."""
    table = measure.get("countries") if isinstance(measure, Mapping) else None
    if not isinstance(table, pd.DataFrame) or table.empty or "status" not in table.columns:
        return []
    out = []
    for status, words in (("partial", "computed over the conditions available (partial)"),
                          ("not_available", "not available")):
        isos = [str(i) for i in table.loc[table["status"] == status, "iso3"]]
        if isos:
            whose = "their pages name what their surveys lack" if len(isos) > 1 else "its page names what its survey lacks"
            out.append(f"This edition: the measure is {words} for "
                       + ", ".join(names.get(i, i) for i in isos) + f"; {whose}.")
    return out


def scoring_text(scoring: Any, n: int) -> str:
    """The scoring rule in words: ``every one of the 5 conditions`` or ``at least 4 of the 5 conditions``."""
    if isinstance(scoring, Mapping) and scoring.get("at_least") is not None:
        return f"at least {int(scoring['at_least'])} of the {n} conditions"
    return f"every one of the {n} condition{'s' if n != 1 else ''}"


def solutions_measure_rule(global_config: Any, g: GlobalResults | None = None) -> None:
    """The solutions measure: its conditions (labels, never expressions), the scoring rule and the benchmark."""
    cfg = _config_dict(global_config)
    rule = _measure_rule(cfg, g)
    conditions = rule["conditions"]
    if not conditions:
        note("No solutions measure is configured for this edition.")
        return
    names = criteria_names()
    _paragraphs(
        "The solutions measure brings five criteria together at the level of the household, following the "
        "International Recommendations on IDP Statistics: the share of households that meet "
        f"{scoring_text(rule['scoring'], len(conditions))} below.")
    items = []
    for c in conditions:
        c = c if isinstance(c, Mapping) else getattr(c, "model_dump", lambda: {})()
        crit = int(c.get("criterion", 0) or 0)
        items.append(f"{c.get('label', '')} ({names.get(crit, f'criterion {crit}')})")
    emit(_items(items))
    _paragraphs(
        *(_measure_exceptions(g.solutions_measure, country_names(g)) if g is not None else []),
        "The same measure is computed for the comparison group and shown beside the displaced groups' as the "
        "benchmark: under a strict rule, few households pass even among those never displaced, and a reader "
        "needs that to judge the displaced groups' share.",
        MISSING_CONDITIONS_TEXT.get(str(rule["missing_conditions"]), MISSING_CONDITIONS_TEXT["not_available"]))


def precision_rules(global_config: Any) -> None:
    """When an estimate is withheld, and when it is published with a flag (thresholds from the config)."""
    cfg = _config_dict(global_config)
    thr = _thresholds(cfg)
    withheld = [f"fewer than {thr.min_n:g} respondents stand behind it"]
    if thr.min_effective_n:  # 0 turns the rule off
        withheld.append("its effective sample size (respondents divided by the design effect) is below "
                        f"{thr.min_effective_n:g}")
    withheld.append("its respondents all sit in a single cluster, so that the survey gives no estimate of its "
                    "uncertainty (no variance estimate)")
    min_count = thr.min_count
    _paragraphs("An estimate is withheld, and shown as text instead of a number, when "
                + ", or ".join(withheld) + ".",
                "A withheld estimate publishes no count either: neither the number of respondents behind it nor "
                "the number of missing answers, since a count such as 'k of n' would give the share away. A "
                "table of counts (the sample by group and area) shows a cell of fewer than "
                f"{min_count} respondents as 'fewer than {min_count}'.",
                "An indicator whose questions the survey did not ask is shown as "
                f"'{wording.withheld_text('not_available', thr)}' (a criterion as "
                f"'{wording.status_label('not_collected').lower()}'): nothing was measured, which is not the same "
                "as withheld.",
                "Everything computed from a withheld estimate is withheld too: a gap, a change since the last "
                "edition, a chart, the alternative text of a chart and every download. When hiding one value "
                "is not enough, because it could be worked out from the others (the shares of a distribution "
                "add up to 100%), a second value is withheld as well.")
    flags = [wording.flag_text(code, max_cv=thr.max_cv, min_df=int(thr.min_df))
             for code in wording.FLAG_LABELS]
    _paragraphs(f"An estimate is published with the mark {wording.FLAG_MARK}, and should be read with care, "
                "when it is")
    emit(_items(flags))
    _paragraphs("A flagged estimate is marked the same way in tables, charts, breakdowns and downloads (the "
                "flag column of the results tables).",
                "A gap carries the flags of both estimates it comes from, and its own when its degrees of "
                f"freedom (the smaller of the two groups') are fewer than {thr.min_df:g}; a flagged "
                f"gap is marked {wording.FLAG_MARK} and drawn hollow as a flagged estimate is.")


def estimation_rules(global_config: Any) -> None:
    """How estimates, standard errors and intervals are computed (thresholds read from the global config).

    ``global_config``: a path, a GlobalConfig or a dict.
    """
    cfg = _config_dict(global_config)
    thr = _thresholds(cfg)
    level = thr.level
    lonely = wording.LONELY_PSU_WORDS.get(thr.lonely_psu, thr.lonely_psu)
    emit(_defs([
        ("Weights", "Every estimate uses the survey weights, so that it describes the population, not only the "
         "people interviewed."),
        ("Uncertainty", "Standard errors take the survey design into account (strata, clusters, weights), by "
         "Taylor linearisation, the standard method for household surveys. A group such as IDPs or women is "
         "estimated within the whole sample, never by cutting the sample down first. A stratum with a single "
         f"cluster is {lonely}."),
        ("Confidence intervals", f"{level} intervals. For shares, the interval is computed on the logit scale, "
         "so it stays between 0% and 100%; for averages and rates, it uses Student's t with the group's "
         "degrees of freedom. A share or rate of exactly 0% or 100% has no such interval: it gets the "
         "Korn–Graubard interval (an exact interval from the beta distribution, as R's survey package computes "
         "it), so that every published share has an interval."),
        ("Degrees of freedom", "A group's degrees of freedom are those of its own part of the sample: the "
         "clusters holding its members minus their strata. A gap's interval and status use Student's t on the "
         "smaller of the two groups' degrees of freedom, not the whole survey's."),
        ("Missing answers", "Answers missing, 'don't know' and 'refused' are left out of the indicator and "
         "counted."),
        ("Changes since the last edition", "Two editions come from independent surveys, so the uncertainty of a "
         "change combines both (the square root of the sum of the two squared standard errors), with Student's "
         "t on the smaller of the two degrees of freedom. Withheld estimates give no change. A change is "
         "better or worse when its interval lies on that side of zero and not within the indicator's margin "
         "(the one the gap status uses); no material change when the whole interval lies within the margin; "
         "otherwise the surveys cannot tell."),
        ("Checked against R", "The estimation engine's results are checked against R's survey package, the "
         "reference implementation."),
    ]))


def limitations() -> None:
    """What the numbers cannot say."""
    emit(_items(LIMITATIONS))


def glossary() -> None:
    """Plain definitions of the statistical words the report uses."""
    emit(_defs(GLOSSARY))


# ------------------------------------------------------------------------------------ catalogue --
def counted_words(ind: Indicator) -> str:
    """Who an indicator counts, in words: its ``universe_text``, else all records of its unit."""
    return universe_words(ind) or f"all {unit_plural(ind)}"


def _breakdown_words(ind: Indicator) -> str:
    breakdown = ind.breakdown
    if breakdown is None:
        return ""
    return breakdown_words(str(breakdown.variable))


#: What a breakdown variable is, by the ending of its catalogue name: pages never show the name itself
#: ("Hlp obstacle", "Not voted reason").
BREAKDOWN_WORDS = (("_reason", "reason given"), ("_obstacle", "main obstacle"), ("_barrier", "main barrier"),
                   ("_type", "type"), ("_access", "access or barrier"))


def breakdown_words(variable: str) -> str:
    """A breakdown variable in words (``hlp_obstacle`` → ``main obstacle``)."""
    for ending, words in BREAKDOWN_WORDS:
        if variable.endswith(ending):
            return words
    return variable.replace("_", " ")


def own_margin_words(margin: Any, *, percent: bool) -> str:
    """An indicator's own equivalence margin in words ("" when it uses the default): ``{absolute: 0.03}`` is
    3 percentage points for a share, ``{relative: 0.2}`` 20% of the comparison group's value."""
    if margin is None:
        return ""
    if isinstance(margin, Mapping):
        absolute, relative = margin.get("absolute"), margin.get("relative")
    else:
        absolute, relative = getattr(margin, "absolute", None), getattr(margin, "relative", None)
    if absolute is not None and not is_missing(absolute):
        return _points(float(absolute)) if percent else f"{float(absolute):g} in the indicator's unit"
    if relative is not None and not is_missing(relative):
        return f"{_pct(float(relative))} of the comparison group's value"
    return ""


def indicator_card(ind: Indicator) -> Markup:
    """One indicator in words: what is measured, who is counted, how to read it, breakdowns, PRDS objective."""
    kind, direction = str(ind.kind), str(ind.direction)
    reading = KIND_TEXT.get(kind, kind).capitalize() + "; " + DIRECTION_TEXT.get(direction, DIRECTION_TEXT["none"])
    own = own_margin_words(ind.margin, percent=kind == "proportion")
    if direction in ("higher", "lower") and own:
        reading += f"; equivalence margin {own} (set for this indicator)"
    rows = [("Measures", str(ind.definition)), ("Counts", counted_words(ind).capitalize()), ("Reads as", reading)]
    breakdown = _breakdown_words(ind)
    dis = [DISAGGREGATION_TEXT.get(d, d.replace("_", " ")) for d in ind.disaggregations or ()]
    parts = ([f"{breakdown} (a breakdown of the group)"] if breakdown else []) + dis
    if parts:
        rows.append(("Broken down by", ", ".join(parts).capitalize()))
    objective = int(ind.prds_objective or 0)
    if objective in PRDS_TEXT:
        rows.append(("PRDS objective", f"{objective}, {PRDS_TEXT[objective]} ({ind.level} level)"))
    return Markup(_T.indicator_card(title=ind.title, definitions=_defs(rows, "sos-defs sos-card")))


def methods_catalogue(catalogue: Catalogue) -> None:
    """Every indicator of the catalogue, per criterion, in words (generated from the catalogue itself)."""
    version = catalogue.version
    note(f"Indicator definitions: catalogue version {version}. Each indicator comes from the sample indicators "
         "of IOM's PRDS toolset for the IASC criteria.")
    names = criteria_names()
    inds = list(catalogue.indicators)
    for c in sorted({int(i.criterion) for i in inds}):
        label = f"{c}. {names[c]}" if c in names else ("Across criteria" if c == 0 else f"Criterion {c}")
        emit(_T.criterion(label, [indicator_card(i) for i in inds if int(i.criterion) == c]))


# ------------------------------------------------------------------------------------ sources ----
def country_sources(g: GlobalResults, output_root: str | Path | None) -> dict[str, list[dict[str, Any]]]:
    """Each built country's data sources, from its published ``meta.json`` (names and publishers only)."""
    if output_root is None:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    countries = g.countries
    isos = [] if countries is None or countries.empty else list(countries.loc[countries["status"] == "ok", "iso3"])
    for iso in isos:
        meta = Path(output_root) / str(g.year) / "results" / str(iso) / "meta.json"
        try:
            out[str(iso)] = list(json.loads(meta.read_text(encoding="utf-8")).get("sources") or [])
        except (OSError, ValueError):
            continue
    return out


def data_sources(g: GlobalResults, output_root: str | Path | None = None) -> None:
    """The surveys and figures behind each country's results, named for readers (no paths, no hashes)."""
    names = country_names(g)
    sources = country_sources(g, output_root)
    if not sources:
        note("The data sources are listed on each country's page.")
        return
    items = []
    for iso, entries in sources.items():
        texts = [", ".join(str(s[k]) for k in ("name", "publisher", "year") if s.get(k)) for s in entries]
        texts = [t for t in texts if t] or ["no source recorded"]
        items.append((names.get(iso, iso), "; ".join(texts)))
    emit(_T.country_sources(items))


def data_provenance(g: GlobalResults, *, global_table_href: str = "results/global/estimates.csv") -> None:
    """The build details of every country (checksums, config hash, code version, build date) and of this
    edition, in a collapsed appendix with the links to the results files."""
    prov = normalise(g.provenance or {})
    per_country = prov.get("countries", {}) or {}
    countries = g.countries
    isos = list(countries["iso3"]) if countries is not None and not countries.empty else sorted(per_country)
    names = country_names(g)
    status = ({str(r["iso3"]): str(r["status"]) for _, r in countries.iterrows()}
              if countries is not None and not countries.empty else {})
    records = []
    for iso in isos:
        p = normalise(per_country.get(iso, {}) or {})
        inputs = p.get("inputs", {}) or {}
        checks = Markup(_C.lines([_C.joined([_C.code(Path(str(k).replace(chr(92), "/")).name), _C.code(short_hash(v))],
                                            " ") for k, v in sorted(inputs.items())])) if inputs else "–"
        ok = status.get(iso, "ok") == "ok"
        href = f"results/{iso}/estimates.csv"
        records.append({
            "Country": names.get(iso, iso),
            "Status": "built" if ok else "not built",
            "Input data (sha256)": checks,
            "Config (sha256)": Markup(_C.code(short_hash(p.get("config_sha256", ""))))
            if p.get("config_sha256") else "–",
            "Code version": p.get("code_version", "–"),
            "Built": p.get("build_date", "–"),
            "Results": Markup(_C.link(href, "estimates.csv", download=True)) if ok else "–",
        })
    # one card per country on a phone; checksums, versions, timestamps and file names break anywhere
    table = (html_table(records, caption="Data and results by country", stack=True, css_class="sos-table sos-tokens")
             if records else Markup(""))
    links = Markup(_T.global_table(href=global_table_href, name=Path(global_table_href).name))
    provenance_appendix(prov, extra=table + links, heading="Build details of this edition")


__all__ = [
    "banner",
    "comparison_approach",
    "data_provenance",
    "data_sources",
    "estimation_rules",
    "framework_section",
    "glossary",
    "limitations",
    "methods_catalogue",
    "own_margin_words",
    "population_groups",
    "precision_rules",
    "scoring_text",
    "solutions_measure_rule",
    "title",
]
