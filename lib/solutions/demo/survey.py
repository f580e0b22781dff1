"""Vectorized simulator of a two-stage household survey (enumeration areas, then households, then members).

Answers are held as small integer codes: a binary is 1 (yes) / 0 (no), a category its level index, and the
negative codes below mark questions not asked (skip logic or age), "don't know", "refused" and blank answers.
`encode` turns them into source labels (per country coding style); `canonical_frames` into catalogue values.

Model: every household has a latent vulnerability z = PSU effect + household effect + area/rural shifts;
every yes/no answer is logistic in z with an intercept set so the marginal prevalence of each population
group matches its target. Sharing z within an enumeration area gives intra-cluster correlation (design
effects > 1); sharing it across questions makes the solutions-measure conditions positively correlated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solutions.demo.spec import (
    GAP_SHARE,
    HH_BINARY,
    HH_CATEGORY,
    INACTIVE,
    IND_BINARY,
    IND_CATEGORY,
    LABOUR_AGES,
    RESIDENCE,
    ROLES,
    UNEMPLOYED,
    Binary,
    Category,
    CountrySpec,
)

NOT_ASKED, DONT_KNOW, REFUSED, BLANK = -1, -2, -3, -4
PSU_SD, HH_SD, PERSON_SD, ITEM_PSU_SD, LOADING = 0.5, 0.6, 0.4, 0.3, 0.8
RELATIONS = ("head", "spouse", "child", "other_relative", "parent")


@dataclass
class Design:
    """Sampled enumeration areas and households (no answers yet)."""

    strata: list[tuple[int, int, int]]  # (area index, role index or -1, urban 1/0 or -1)
    stratum: np.ndarray  # per household
    psu: np.ndarray  # global PSU index per household
    psu_in_stratum: np.ndarray  # 1-based PSU number within its stratum, per household
    area: np.ndarray
    role: np.ndarray
    urban: np.ndarray
    weight: np.ndarray
    day: np.ndarray  # interview day offset from the start of collection
    n_psu: int


@dataclass
class Sample:
    """Simulated answers of one survey, as integer codes."""

    design: Design
    hh: dict[str, np.ndarray]
    ind: dict[str, np.ndarray]


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def population(spec: CountrySpec, returns_total: float) -> dict[str, float]:
    """Households in each population group (the weights sum to these)."""
    idp = spec.idp_stock / 4.4
    return {"idp": idp, "returnee": max(returns_total / 4.2, 0.2 * idp), "relocated": 0.12 * idp,
            "comparison": 2.6 * idp}


def sample_design(spec: CountrySpec, rng: np.random.Generator, scale: float, pop: dict[str, float],
                  duration_days: int, n_households: int | None = None) -> Design:
    """Draw strata, PSUs (enumeration areas), households per PSU, weights and interview days."""
    strata: list[tuple[int, int, int]] = []
    sizes: list[float] = []
    if spec.strata_by == "group":
        for r, role in enumerate(ROLES):
            areas = [a for a, area in enumerate(spec.areas) if role in area.roles]
            share = rng.uniform(0.6, 1.4, len(areas))
            for a, s in zip(areas, share / share.sum(), strict=True):
                strata.append((a, r, -1))
                sizes.append(pop[role] * s)
        strata_sizes = sorted(zip(strata, sizes, strict=True))
        strata, sizes = [s for s, _ in strata_sizes], [n for _, n in strata_sizes]
    else:
        total = sum(pop.values())
        share = rng.uniform(0.7, 1.3, len(spec.areas))
        for a, (area, s) in enumerate(zip(spec.areas, share / share.sum(), strict=True)):
            for urban in (1, 0):
                strata.append((a, -1, urban))
                sizes.append(total * s * (area.urban_share if urban else 1 - area.urban_share))

    lonely = None
    if spec.lonely is not None:
        code, role = spec.lonely
        lonely = ([a.code for a in spec.areas].index(code), ROLES.index(role))
    psu_stratum, psu_hh, psu_urban, psu_mix = [], [], [], []
    lo, hi = spec.psu_range
    for h, (a, r, u) in enumerate(strata):
        base = int(rng.integers(lo, hi + 1))
        n_psu = 1 if lonely == (a, r) else max(2, round(base * scale))
        psu_stratum.append(np.full(n_psu, h))
        psu_hh.append(rng.integers(spec.hh_per_psu[0], spec.hh_per_psu[1] + 1, n_psu))
        if u < 0:
            psu_urban.append(rng.random(n_psu) < spec.areas[a].urban_share)
        else:
            psu_urban.append(np.full(n_psu, bool(u)))
        if r < 0:  # stratified by area x urban/rural: group mix varies by enumeration area
            mix = np.asarray(spec.areas[a].mix, dtype=float)
            alpha = np.where(mix > 0, 4 * mix, 0)
            draws = np.zeros((n_psu, len(ROLES)))
            keep = alpha > 0
            draws[:, keep] = rng.dirichlet(alpha[keep], n_psu)
            psu_mix.append(draws)
    stratum_of_psu = np.concatenate(psu_stratum)
    hh_count = np.concatenate(psu_hh)
    urban_of_psu = np.concatenate(psu_urban)
    n_psu_total = len(stratum_of_psu)

    psu = np.repeat(np.arange(n_psu_total), hh_count)
    if n_households is not None and n_households < len(psu):
        psu = psu[np.sort(rng.choice(len(psu), n_households, replace=False))]
    stratum = stratum_of_psu[psu]
    strata_arr = np.asarray(strata)
    area = strata_arr[stratum, 0]
    if psu_mix:
        mix = np.concatenate(psu_mix)[psu]
        role = (rng.random(len(psu))[:, None] > np.cumsum(mix, axis=1)).sum(axis=1)
        role = np.minimum(role, len(ROLES) - 1)
    else:
        role = strata_arr[stratum, 1]
    first = np.r_[0, np.cumsum(np.bincount(stratum_of_psu, minlength=len(strata)))[:-1]]
    psu_in_stratum = psu - first[stratum] + 1

    # weights: inverse inclusion probability, perturbed per PSU and household, calibrated to stratum size
    n_h = np.bincount(stratum, minlength=len(strata))
    base_w = np.asarray(sizes) / np.maximum(n_h, 1)
    w = base_w[stratum] * rng.lognormal(0, 0.35, n_psu_total)[psu] * rng.lognormal(0, 0.15, len(psu))
    w *= (np.asarray(sizes) / np.maximum(np.bincount(stratum, weights=w, minlength=len(strata)), 1e-9))[stratum]

    psu_day = rng.integers(0, max(duration_days - 1, 1), n_psu_total)
    day = np.minimum(psu_day[psu] + rng.integers(0, 2, len(psu)), duration_days)
    return Design(strata, stratum, psu, psu_in_stratum, area, role, urban_of_psu[psu], w, day, n_psu_total)


def _targets(spec: CountrySpec, rng: np.random.Generator, q: Binary, gap_mult: float) -> np.ndarray:
    """Logit prevalence per role (ROLES order) for one question in one country."""
    comp = _logit(q.comparison) + rng.normal(0, 0.2)
    if q.criterion in spec.closed_criteria:  # closed gap: no real difference (a shade better, never worse)
        gap = -0.08 if q.bad else 0.08
        rng.normal(1, 0.1)  # keep the stream aligned with open criteria
    else:
        gap = (_logit(q.idp) - _logit(q.comparison)) * gap_mult * rng.normal(1, 0.1)
    return np.array([comp + GAP_SHARE[r] * gap for r in ROLES])


def _binary(rng: np.random.Generator, logits: np.ndarray, role: np.ndarray, z: np.ndarray, z_var: float,
            psu: np.ndarray, n_psu: int, bad: bool, loading: float = LOADING) -> np.ndarray:
    s2 = loading**2 * z_var + ITEM_PSU_SD**2
    a = logits * np.sqrt(1 + np.pi * s2 / 8)  # logistic-normal approximation keeps the marginal on target
    eta = a[role] + (loading if bad else -loading) * z + rng.normal(0, ITEM_PSU_SD, n_psu)[psu]
    return (rng.random(len(role)) < 1 / (1 + np.exp(-eta))).astype(np.int8)


def _nonresponse(rng: np.random.Generator, codes: np.ndarray, rate: float) -> None:
    """Turn a share `rate` of the asked answers into don't know / refused / blank (in place)."""
    asked = codes >= 0
    hit = asked & (rng.random(len(codes)) < rate)
    kind = rng.choice(np.array([DONT_KNOW, REFUSED, BLANK], dtype=np.int8), hit.sum(), p=[0.5, 0.2, 0.3])
    codes[hit] = kind


def _category(rng: np.random.Generator, probs: np.ndarray, role: np.ndarray, asked: np.ndarray,
              blank_rate: float = 0.01) -> np.ndarray:
    idx = np.flatnonzero(asked)
    cum = np.cumsum(probs, axis=1)[role[idx]]
    drawn = (rng.random(len(idx))[:, None] > cum).sum(axis=1)
    code = np.full(len(role), NOT_ASKED, dtype=np.int8)
    code[idx] = np.minimum(drawn, probs.shape[1] - 1)
    code[idx[rng.random(len(idx)) < blank_rate]] = BLANK
    return code


def _category_probs(c: Category) -> np.ndarray:
    comp, idp = np.asarray(c.comparison), np.asarray(c.idp)
    return np.array([(1 - GAP_SHARE[r]) * comp + GAP_SHARE[r] * idp for r in ROLES])


def simulate(spec: CountrySpec, rng: np.random.Generator, design: Design, gap_scale: float = 1.0) -> Sample:
    """Answers of every household and household member of a sampled design; ``gap_scale`` widens (above 1)
    or narrows the displaced groups' gaps of the open criteria (one survey round of a series)."""
    n = len(design.psu)
    area_effect = np.array([a.effect for a in spec.areas])
    z = (rng.normal(0, PSU_SD, design.n_psu)[design.psu] + rng.normal(0, HH_SD, n)
         + area_effect[design.area] + np.where(design.urban, -0.05, 0.15))
    z_var = PSU_SD**2 + HH_SD**2
    gap_mult = float(rng.uniform(0.85, 1.2)) * gap_scale
    hh: dict[str, np.ndarray] = {}
    for q in HH_BINARY:
        codes = _binary(rng, _targets(spec, rng, q, gap_mult), design.role, z, z_var, design.psu,
                        design.n_psu, q.bad)
        if q.parent is not None:
            codes = np.where(hh[q.parent] == 1, codes, NOT_ASKED).astype(np.int8)
        _nonresponse(rng, codes, float(rng.uniform(0.01, 0.04)))
        hh[q.name] = codes
    res = np.array([RESIDENCE[r] for r in ROLES])
    hh["residence_type"] = _category(rng, res, design.role, np.ones(n, bool), 0.005)
    for c in HH_CATEGORY:
        assert c.parent is not None  # every household category is asked under a binary question
        hh[c.name] = _category(rng, _category_probs(c), design.role, hh[c.parent] == c.value)
    return Sample(design, hh, _members(spec, rng, design, z, gap_mult))


def _members(spec: CountrySpec, rng: np.random.Generator, design: Design, z_hh: np.ndarray,
             gap_mult: float) -> dict[str, np.ndarray]:
    role_hh = design.role
    lam = np.array([3.4, 3.2, 3.3, 2.6])[role_hh]  # ROLES order: idp, returnee, relocated, comparison
    size = np.minimum(1 + rng.poisson(lam), 10)
    hh = np.repeat(np.arange(len(size)), size)
    start = np.r_[0, np.cumsum(size)[:-1]]
    line = np.arange(len(hh)) - start[hh]
    m = len(hh)
    role = role_hh[hh]

    head_female = rng.random(len(size)) < np.array([0.38, 0.30, 0.33, 0.22])[role_hh]
    head_age = rng.integers(19, 76, len(size))
    has_spouse = (size >= 2) & (rng.random(len(size)) < 0.78)
    u = rng.random(m)
    relation = np.where(u < 0.8, 2, np.where(u < 0.92, 3, 4))  # child, other relative, parent
    relation = np.where(line == 0, 0, np.where((line == 1) & has_spouse[hh], 1, relation))
    female = np.where(relation == 0, head_female[hh],
                      np.where(relation == 1, ~head_female[hh], rng.random(m) < 0.5))
    ha = head_age[hh]
    age = np.select(
        [relation == 0, relation == 1, relation == 2, relation == 3],
        [ha, np.clip(ha + np.round(rng.normal(-3, 5, m)).astype(int), 16, 95),
         np.clip(np.minimum(rng.integers(0, 18, m), ha - 15), 0, None),
         rng.integers(12, 41, m)],
        default=np.minimum(ha + rng.integers(18, 28, m), 95),
    ).astype(np.int16)

    z = z_hh[hh] + rng.normal(0, PERSON_SD, m)
    z_var = PSU_SD**2 + HH_SD**2 + PERSON_SD**2
    psu = design.psu[hh]
    ind: dict[str, np.ndarray] = {"hh": hh, "line": line.astype(np.int16), "female": female,
                                  "age": age, "relation": relation.astype(np.int8)}
    for q in IND_BINARY:
        loading = 0.4 if q.name == "uasc" else LOADING
        codes = _binary(rng, _targets(spec, rng, q, gap_mult), role, z, z_var, psu, design.n_psu, q.bad,
                        loading)
        if q.ages is not None:
            codes = np.where((age >= q.ages[0]) & (age <= q.ages[1]), codes, NOT_ASKED).astype(np.int8)
        _nonresponse(rng, codes, float(rng.uniform(0.01, 0.04)) if q.name != "uasc" else 0.005)
        ind[q.name] = codes

    # labour status (ages 15-64): inactive by sex/age, then unemployed among the labour force
    in_age = (age >= LABOUR_AGES[0]) & (age <= LABOUR_AGES[1])
    p_inactive = np.where(female, INACTIVE["female"], INACTIVE["male"])
    p_inactive = np.where(age < 20, 0.65, np.where(age >= 60, 0.55, p_inactive))
    inactive = rng.random(m) < p_inactive
    unemployed = _binary(rng, _targets(spec, rng, UNEMPLOYED, gap_mult), role, z, z_var, psu,
                         design.n_psu, True)
    status = np.where(inactive, 2, unemployed).astype(np.int8)  # employed 0, unemployed 1, inactive 2
    status = np.where(in_age, status, NOT_ASKED).astype(np.int8)
    _nonresponse(rng, status, float(rng.uniform(0.01, 0.03)))
    ind["labour_status"] = status
    for c in IND_CATEGORY:
        assert c.parent is not None  # every individual category is asked under a binary question
        ind[c.name] = _category(rng, _category_probs(c), role, ind[c.parent] == c.value)
    return ind
