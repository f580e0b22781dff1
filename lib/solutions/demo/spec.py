"""Parameters of the fictional demo countries and of the simulated questionnaire.

Everything here is invented. ISO codes are in the ISO 3166-1 user-assigned range QAA-QZZ, so demo data can
never be mistaken for a real country. Target prevalences are loosely modelled on published durable-solutions
profiles (IDPs worse off than the non-displaced comparison group on most indicators, returnees in between).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES: tuple[str, ...] = ("idp", "returnee", "relocated", "comparison")

# ---------------------------------------------------------------- questions ----


@dataclass(frozen=True)
class Binary:
    """A yes/no question: target prevalence for comparison and IDP households, skip condition."""

    name: str
    criterion: int
    comparison: float
    idp: float
    bad: bool  # True when "yes" is the worse outcome (loads positively on vulnerability)
    parent: str | None = None  # asked only if the parent binary is "yes"
    ages: tuple[int, int] | None = None  # individuals: asked only in this age range (inclusive)


@dataclass(frozen=True)
class Category:
    """A categorical follow-up: level probabilities for comparison and IDP, asked when `parent == value`."""

    name: str
    levels: tuple[str, ...]
    comparison: tuple[float, ...]
    idp: tuple[float, ...]
    parent: str | None = None
    value: int = 1


HH_BINARY: tuple[Binary, ...] = (
    Binary("justice_needed", 1, 0.18, 0.30, True),
    Binary("justice_accessed", 1, 0.68, 0.46, False, parent="justice_needed"),
    Binary("movement_restricted", 1, 0.07, 0.24, True),
    Binary("water_daily_sufficient", 2, 0.78, 0.55, False),
    Binary("no_financial_access", 3, 0.30, 0.52, True),
    Binary("assistance_sought", 3, 0.22, 0.58, True),
    Binary("assistance_unable", 3, 0.28, 0.44, True, parent="assistance_sought"),
    Binary("hlp_lost", 4, 0.12, 0.62, True),
    Binary("hlp_no_access_remedy", 4, 0.48, 0.71, True, parent="hlp_lost"),
    Binary("documents_lost", 5, 0.10, 0.46, True),
    Binary("documents_unable_replace", 5, 0.34, 0.57, True, parent="documents_lost"),
    Binary("separated_members", 6, 0.06, 0.21, True),
    Binary("remedy_accessed", 8, 0.16, 0.26, False),
    Binary("justice_restored", 8, 0.55, 0.34, False, parent="remedy_accessed"),
)

HH_CATEGORY: tuple[Category, ...] = (
    Category("justice_type", ("formal", "traditional", "religious", "other"),
             (0.55, 0.25, 0.12, 0.08), (0.35, 0.40, 0.15, 0.10), parent="justice_accessed"),
    Category("movement_restriction_type", ("checkpoints", "documentation", "insecurity", "authorities", "other"),
             (0.30, 0.15, 0.30, 0.15, 0.10), (0.28, 0.30, 0.22, 0.12, 0.08), parent="movement_restricted"),
    Category("financial_obstacle", ("no_documents", "distance", "no_money", "not_eligible", "other"),
             (0.08, 0.22, 0.50, 0.12, 0.08), (0.30, 0.20, 0.35, 0.10, 0.05), parent="no_financial_access"),
    Category("assistance_barrier", ("not_registered", "distance", "insecurity", "discrimination", "other"),
             (0.30, 0.30, 0.10, 0.10, 0.20), (0.40, 0.20, 0.15, 0.15, 0.10), parent="assistance_unable"),
    Category("hlp_obstacle", ("cost", "documents", "distance", "no_mechanism", "other"),
             (0.35, 0.20, 0.15, 0.20, 0.10), (0.20, 0.35, 0.15, 0.22, 0.08), parent="hlp_no_access_remedy"),
    Category("documents_obstacle", ("cost", "distance", "bureaucracy", "security", "other"),
             (0.35, 0.25, 0.30, 0.03, 0.07), (0.25, 0.25, 0.30, 0.15, 0.05), parent="documents_unable_replace"),
    Category("separation_reason", ("conflict", "work", "marriage", "detention", "missing", "other"),
             (0.05, 0.50, 0.30, 0.03, 0.02, 0.10), (0.35, 0.15, 0.10, 0.10, 0.20, 0.10), parent="separated_members"),
)

RESIDENCE_LEVELS = ("camp", "temporary_settlement", "host_family", "private_accommodation", "other")
RESIDENCE: dict[str, tuple[float, ...]] = {
    "idp": (0.32, 0.18, 0.20, 0.25, 0.05),
    "returnee": (0.02, 0.10, 0.08, 0.75, 0.05),
    "relocated": (0.04, 0.28, 0.06, 0.57, 0.05),
    "comparison": (0.00, 0.01, 0.04, 0.90, 0.05),
}

IND_BINARY: tuple[Binary, ...] = (
    Binary("security_incident", 1, 0.04, 0.10, True),
    Binary("attends_school", 2, 0.90, 0.71, False, ages=(6, 11)),
    Binary("documents_lost_displacement", 5, 0.03, 0.31, True),
    Binary("uasc", 6, 0.003, 0.014, True, ages=(0, 17)),
    Binary("voted_last_election", 7, 0.66, 0.44, False, ages=(18, 110)),
    Binary("community_participation", 7, 0.34, 0.22, False, ages=(18, 110)),
    Binary("reconciliation_involved", 7, 0.09, 0.13, False, ages=(18, 110)),
)
# labour: probability of being inactive (by sex), then unemployment among the labour force (target by group)
LABOUR_AGES = (15, 64)
INACTIVE = {"female": 0.50, "male": 0.20}
UNEMPLOYED = Binary("labour_status", 3, 0.14, 0.28, True, ages=LABOUR_AGES)
LABOUR_LEVELS = ("employed", "unemployed", "inactive")

IND_CATEGORY: tuple[Category, ...] = (
    Category("non_attendance_reason", ("cost", "distance", "work", "insecurity", "disability", "other"),
             (0.35, 0.25, 0.15, 0.05, 0.10, 0.10), (0.30, 0.20, 0.15, 0.20, 0.05, 0.10),
             parent="attends_school", value=0),
    Category("employment_obstacle", ("no_jobs", "skills", "discrimination", "documents", "other"),
             (0.55, 0.25, 0.05, 0.05, 0.10), (0.40, 0.15, 0.15, 0.25, 0.05),
             parent="labour_status", value=1),  # value is the code of "unemployed"
    Category("uasc_service_access",
             ("accessing_services", "barrier_distance", "barrier_documents", "barrier_cost", "other"),
             (0.50, 0.15, 0.10, 0.15, 0.10), (0.35, 0.20, 0.25, 0.12, 0.08), parent="uasc"),
    Category("not_voted_reason",
             ("no_documents", "not_registered", "insecurity", "distance", "not_interested", "other"),
             (0.05, 0.20, 0.05, 0.15, 0.45, 0.10), (0.30, 0.25, 0.15, 0.15, 0.10, 0.05),
             parent="voted_last_election", value=0),
)

# share of the IDP-comparison gap (logit scale) carried by the other displaced groups
GAP_SHARE = {"idp": 1.0, "returnee": 0.5, "relocated": 0.65, "comparison": 0.0}

# ------------------------------------------------------------------ country ----


@dataclass(frozen=True)
class Area:
    """A first-level administrative area (admin1)."""

    name: str
    code: str
    urban_share: float
    effect: float  # shift of the vulnerability latent (positive = worse off)
    roles: tuple[str, ...] = ROLES  # groups sampled here (stratification by group)
    mix: tuple[float, ...] = ()  # role shares (stratification by urban/rural), in ROLES order
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountrySpec:
    """One fictional country: design, file formats, coding style and narrative."""

    iso3: str
    name: str
    short: str
    areas: tuple[Area, ...]
    group_codes: dict[str, str]  # role -> source code
    style: str  # english | numeric | french | english_caps
    households_format: str  # csv | parquet | excel
    individuals_format: str  # csv | parquet
    strata_by: str = "group"  # group (admin1 x pop group) | urban (admin1 x urban/rural)
    psu_range: tuple[int, int] = (8, 20)
    hh_per_psu: tuple[int, int] = (9, 15)
    lonely: tuple[str, str] | None = None  # (area code, role) stratum kept at one PSU
    closed_criteria: tuple[int, ...] = ()
    dropped: tuple[str, ...] = ()  # catalogue variables not collected
    drop_indicators: tuple[str, ...] = ()
    delimiter: str = ","
    collection: tuple[tuple[int, int], tuple[int, int]] = ((2, 1), (4, 30))  # (month, day) start, end
    idp_stock: int = 300_000
    survey_title: str = ""
    publisher: str = ""
    summary: str = ""
    criteria_text: dict[int, str] = field(default_factory=dict)


DEMO_SPECS: dict[str, CountrySpec] = {
    "QAB": CountrySpec(
        iso3="QAB", name="Republic of Aldoria", short="Aldoria",
        areas=(
            Area("Northmarch", "NM", 0.35, 0.20, ("idp", "returnee", "comparison"),
                 districts=("Harl", "Ostrigen", "Vellamy", "Brask")),
            Area("Vellin Plains", "VP", 0.20, 0.05, ROLES, districts=("Tamsin Ford", "Orlevan", "Caddow")),
            Area("Coastal Reach", "CR", 0.55, -0.20, ROLES,
                 districts=("Port Ambry", "Selkirrow", "Dunmallow Bay", "Lissane", "Merrowin")),
        ),
        group_codes={"idp": "1", "returnee": "2", "comparison": "3", "relocated": "4"},
        style="english", households_format="csv", individuals_format="csv",
        closed_criteria=(6,), idp_stock=412_000, collection=((2, 1), (4, 30)),
        survey_title="Aldoria Durable Solutions Survey",
        publisher="Aldoria National Statistics Office (fictional)",
        summary=(
            "*Fictional demonstration data.* Three years after the floods and the Northmarch insurgency, the "
            "share of Aldoria's internally displaced households living in **camps** around Port Ambry is "
            "[[estimate ADQ-1 idp camp]]. Against the non-displaced households of the same areas, on "
            "water: [[finding ADQ-2 idp]]; on livelihoods: [[criterion 3 idp]]; on documentation: "
            "[[criterion 5 idp]]. Returnees to the Vellin Plains, on livelihoods: [[criterion 3 returnee]]."
        ),
        criteria_text={
            2: "Water trucking to the Coastal Reach camps was scaled down late in the year. Daily access to "
               "sufficient safe water, IDP households: [[estimate ADQ-2 idp]]; comparison group: "
               "[[estimate ADQ-2 comparison]]; so [[finding ADQ-2 idp]].",
            4: "IDP households lost land titles when the Northmarch registry burned. The land commission set "
               "up in 2024 is not yet operating outside the capital. Among households that lost housing, land "
               "or property, those without access to restitution: [[finding HLP-2 idp]].",
            6: "Family tracing by the (fictional) Aldorian Red Crescent has reunited separated households. "
               "Households with separated members: [[estimate FAM-1 idp]] of IDP households; "
               "[[finding FAM-1 idp]].",
        },
    ),
    "QAC": CountrySpec(
        iso3="QAC", name="Kingdom of Brevonia", short="Brevonia",
        areas=(
            Area("Harrowmont", "HF", 0.30, 0.10, ("idp", "returnee", "comparison"),
                 districts=("Quellmoor", "Calvet Rise", "Pennary")),
            Area("Lower Kettan", "LK", 0.20, 0.30, ("idp", "returnee", "comparison"),
                 districts=("Kettan Mouth", "Ashwen Fold", "Wrenholt")),
            Area("Sarnwick", "SW", 0.45, -0.10, ("idp", "returnee", "comparison"),
                 districts=("Sarnwick City", "Hollowmere", "Marrow End", "Tilsey")),
            Area("Isle of Varo", "IV", 0.25, 0.00, ("idp", "returnee", "comparison"),
                 districts=("Varo Town", "Skarrow")),
        ),
        group_codes={"idp": "1", "returnee": "2", "comparison": "3"},
        style="numeric", households_format="parquet", individuals_format="parquet",
        psu_range=(8, 16), hh_per_psu=(9, 14), closed_criteria=(8,), idp_stock=238_000,
        collection=((3, 3), (5, 16)),
        survey_title="Brevonia Solutions Assessment",
        publisher="Royal Brevonian Statistical Service (fictional)",
        summary=(
            "*Fictional demonstration data.* Displacement in Brevonia is protracted: IDPs fled the Lower "
            "Kettan border clashes years ago. Returns accelerated after the 2025 ceasefire. For returnees, "
            "**unemployment**: [[finding LIV-1 returnee]]; **missing documents**: [[finding DOC-1 returnee]]."
        ),
        criteria_text={
            3: "Unemployment among IDPs: [[estimate LIV-1 idp]], against [[estimate LIV-1 comparison]] in "
               "the comparison group, so [[finding LIV-1 idp]]. The obstacles the unemployed report are in "
               "the breakdown below.",
            8: "Where households accessed remedy mechanisms, IDPs who feel that a sense of justice has been "
               "restored: [[estimate REM-2 idp]]; against their neighbours, [[finding REM-2 idp]].",
        },
    ),
    "QAD": CountrySpec(
        iso3="QAD", name="Republic of Cassaline", short="Cassaline",
        areas=(
            Area("Haut-Vardel", "HV", 0.30, 0.25, mix=(0.38, 0.18, 0.0, 0.44),
                 districts=("Saint-Ovrel", "Val-Méran", "Castelvaure")),
            Area("Plaine de Morvenne", "PM", 0.45, 0.00, mix=(0.28, 0.14, 0.16, 0.42),
                 districts=("Morvenne", "Les Aubrelles", "Pont-Lisère", "Fontclar")),
            Area("Côte d'Ambrelle", "CA", 0.55, -0.15, mix=(0.30, 0.22, 0.0, 0.48),
                 districts=("Ambrelle", "Port-Sauvin")),
        ),
        group_codes={"idp": "PDI", "returnee": "RET", "relocated": "REL", "comparison": "HOTE"},
        style="french", households_format="excel", individuals_format="parquet",
        strata_by="urban", psu_range=(9, 14), hh_per_psu=(15, 24), closed_criteria=(1,),
        idp_stock=156_000, collection=((1, 15), (3, 31)),
        survey_title="Enquête sur les solutions durables en Cassaline",
        publisher="Institut cassalinais de la statistique (fictional)",
        summary=(
            "*Fictional demonstration data.* The Cassaline survey is stratified by region and urban/rural "
            "area, not by population group, so displaced groups are estimated as domains. IDPs settled in "
            "the Plaine de Morvenne under the 2023 relocation programme form a separate *relocated* group."
        ),
        criteria_text={
            1: "Checkpoints on the main roads were lifted after the 2024 peace accord. IDPs reporting "
               "movement restrictions: [[estimate SAF-3 idp]]; against the comparison group, "
               "[[finding SAF-3 idp]]; since the last edition, [[change SAF-3 idp]].",
            5: "Civil registration offices in Haut-Vardel remain shut, and replacing lost identity cards "
               "requires travel to the capital. IDPs without key documents because of displacement: "
               "[[estimate DOC-1 idp]]; [[finding DOC-1 idp]].",
        },
    ),
    "QAE": CountrySpec(
        iso3="QAE", name="Federal Republic of Dravenmark", short="Dravenmark",
        areas=(
            Area("Korrin Valley", "KV", 0.25, 0.15, ("idp", "returnee", "comparison"),
                 districts=("Korrin", "Eskarin Hollow", "Tarrow")),
            Area("Sable Coast", "SC", 0.60, -0.15, ("idp", "returnee", "comparison"),
                 districts=("Sablemouth", "Greyhaven", "Ondine", "Rookhallow")),
            Area("Upper Dravn", "UD", 0.15, 0.30, ("idp", "returnee", "comparison"),
                 districts=("Dravn Falls", "Hesk")),
        ),
        group_codes={"idp": "IDP", "returnee": "RET", "comparison": "HOST"},
        style="english_caps", households_format="csv", individuals_format="parquet",
        delimiter=";", lonely=("UD", "returnee"), closed_criteria=(5,), hh_per_psu=(10, 16),
        dropped=("reconciliation_involved",), drop_indicators=("PAR-3",), idp_stock=97_000,
        collection=((4, 7), (6, 12)),
        survey_title="Dravenmark Displacement and Solutions Survey",
        publisher="Federal Statistics Agency of Dravenmark (fictional)",
        summary=(
            "*Fictional demonstration data.* Dravenmark's displacement crisis is recent and concentrated in "
            "the Upper Dravn highlands. Only a handful of returnee households could be reached there, so "
            "one stratum has a **single enumeration area**; its variance follows the lonely-PSU rule."
        ),
        criteria_text={
            5: "The federal mobile registration campaign toured the displacement sites. Without key documents "
               "because of displacement: [[finding DOC-1 idp]]; unable to replace lost documents: "
               "[[finding DOC-2 idp]]; the criterion as a whole: [[criterion 5 idp]].",
            7: "Reconciliation initiatives were not covered by this survey round (its indicator is not reported).",
        },
    ),
}

DEMO_COUNTRIES: tuple[str, ...] = tuple(DEMO_SPECS)

# --------------------------------------------------------------- source coding ----
# catalogue variable -> source column name, per country (variables not listed keep their catalogue name)
HH_COLUMNS: dict[str, dict[str, str]] = {
    "QAB": {
        "household_id": "hh_id", "weight": "wt_final", "stratum": "strat", "psu": "ea_code",
        "pop_group": "popgrp", "admin1": "region", "urban_rural": "urb_rur", "interview_date": "today",
        "justice_needed": "just_need", "justice_accessed": "just_access", "justice_type": "just_type",
        "movement_restricted": "move_restr", "movement_restriction_type": "move_restr_type",
        "residence_type": "shelter", "water_daily_sufficient": "water_ok", "no_financial_access": "no_fin",
        "financial_obstacle": "fin_obst", "hlp_lost": "hlp_loss", "hlp_no_access_remedy": "hlp_noremedy",
        "documents_lost": "doc_lost", "documents_unable_replace": "doc_noreplace", "documents_obstacle": "doc_obst",
        "separated_members": "fam_sep", "separation_reason": "fam_sep_why",
    },
    "QAC": {
        "household_id": "HHID", "weight": "WGT", "stratum": "STRATUM", "psu": "CLUSTER", "pop_group": "GRP",
        "admin1": "PROVINCE", "urban_rural": "URBRUR", "interview_date": "INT_DATE",
        "justice_needed": "S1Q01", "justice_accessed": "S1Q02", "justice_type": "S1Q03",
        "movement_restricted": "S1Q04", "movement_restriction_type": "S1Q05", "residence_type": "S2Q01",
        "water_daily_sufficient": "S2Q02", "no_financial_access": "S3Q01", "financial_obstacle": "S3Q02",
        "assistance_sought": "S3Q03", "assistance_unable": "S3Q04", "assistance_barrier": "S3Q05",
        "hlp_lost": "S4Q01", "hlp_no_access_remedy": "S4Q02", "hlp_obstacle": "S4Q03",
        "documents_lost": "S5Q01", "documents_unable_replace": "S5Q02", "documents_obstacle": "S5Q03",
        "separated_members": "S6Q01", "separation_reason": "S6Q02", "remedy_accessed": "S8Q01",
        "justice_restored": "S8Q02",
    },
    "QAD": {
        "household_id": "id_menage", "weight": "poids", "stratum": "strate", "psu": "zd", "pop_group": "groupe",
        "admin1": "region", "urban_rural": "milieu", "interview_date": "date_entretien",
        "justice_needed": "besoin_justice", "justice_accessed": "acces_justice", "justice_type": "type_justice",
        "movement_restricted": "restriction_mouvement", "movement_restriction_type": "type_restriction",
        "residence_type": "type_logement", "water_daily_sufficient": "eau_suffisante",
        "no_financial_access": "sans_acces_financier", "financial_obstacle": "obstacle_financier",
        "assistance_sought": "assistance_demandee", "assistance_unable": "assistance_refusee",
        "assistance_barrier": "obstacle_assistance", "hlp_lost": "perte_logement_terre",
        "hlp_no_access_remedy": "sans_recours_lft", "hlp_obstacle": "obstacle_lft",
        "documents_lost": "documents_perdus", "documents_unable_replace": "documents_non_remplaces",
        "documents_obstacle": "obstacle_documents", "separated_members": "membres_separes",
        "separation_reason": "raison_separation", "remedy_accessed": "recours_utilise",
        "justice_restored": "justice_retablie",
    },
    "QAE": {"weight": "weight_adj", "stratum": "stratum_id", "psu": "cluster_id", "pop_group": "group",
            "admin1": "state", "interview_date": "date"},
}
IND_COLUMNS: dict[str, dict[str, str]] = {
    "QAB": {"household_id": "hh_id", "person_id": "ind_id", "age": "age_years",
            "security_incident": "saf_incident", "attends_school": "school_now",
            "non_attendance_reason": "school_why_not", "labour_status": "lab_status",
            "employment_obstacle": "lab_obstacle", "documents_lost_displacement": "doc_lost_disp",
            "voted_last_election": "voted", "not_voted_reason": "voted_why_not",
            "community_participation": "comm_part", "reconciliation_involved": "reconc"},
    "QAC": {"household_id": "HHID", "person_id": "PID", "sex": "B01", "age": "B02",
            "security_incident": "B10", "attends_school": "B20", "non_attendance_reason": "B21",
            "labour_status": "B30", "employment_obstacle": "B31", "documents_lost_displacement": "B40",
            "uasc": "B50", "uasc_service_access": "B51", "voted_last_election": "B60", "not_voted_reason": "B61",
            "community_participation": "B62", "reconciliation_involved": "B63"},
    "QAD": {"household_id": "id_menage", "person_id": "id_individu", "sex": "sexe",
            "security_incident": "incident_securite", "attends_school": "frequente_ecole",
            "non_attendance_reason": "raison_non_frequentation", "labour_status": "statut_emploi",
            "employment_obstacle": "obstacle_emploi", "documents_lost_displacement": "documents_perdus_deplacement",
            "uasc": "enfant_non_accompagne", "uasc_service_access": "acces_services_enfant",
            "voted_last_election": "a_vote", "not_voted_reason": "raison_non_vote",
            "community_participation": "participation_communautaire",
            "reconciliation_involved": "participation_reconciliation"},
    "QAE": {"person_id": "member_id"},
}
IDENTIFIERS: dict[str, tuple[str, str]] = {
    "QAB": ("respondent_name", "phone"),
    "QAC": ("RESP_NAME", "PHONE"),
    "QAD": ("nom_repondant", "telephone"),
    "QAE": ("respondent_name", "phone"),
}
LOC_COLUMNS: dict[str, dict[str, str]] = {
    "QAD": {"location_id": "code_lieu", "admin1": "region", "mechanism_area": "domaine",
            "mechanism_type": "type_mecanisme", "available": "disponible", "aware_pct": "connaissance_pct"},
}
FIG_COLUMNS: dict[str, dict[str, str]] = {
    "QAC": {"country": "iso3", "year": "yr", "metric": "indicator", "value": "val", "source": "src"},
}

# answer labels per style: yes, no, don't know, refused (blank answers stay empty)
BINARY_LABELS: dict[str, tuple[object, object, object, object]] = {
    "english": ("yes", "no", "dont_know", "refused"),
    "numeric": (1, 2, 98, 99),
    "french": ("oui", "non", "ne_sait_pas", "refus"),
    "english_caps": ("Yes", "No", "Don't know", "Refused to answer"),
}
SEX_LABELS = {"english": ("female", "male"), "numeric": (2, 1), "french": ("femme", "homme"),
              "english_caps": ("F", "M")}
URBAN_LABELS = {"english": ("urban", "rural"), "numeric": (1, 2), "french": ("urbain", "rural"),
                "english_caps": ("Urban", "Rural")}
FRENCH: dict[str, str] = {
    "formal": "formel", "traditional": "traditionnel", "religious": "religieux", "other": "autre",
    "checkpoints": "postes_controle", "documentation": "documents_exiges", "insecurity": "insecurite",
    "authorities": "autorites", "camp": "camp", "temporary_settlement": "site_temporaire",
    "host_family": "famille_accueil", "private_accommodation": "logement_prive",
    "no_documents": "pas_de_documents", "distance": "distance", "no_money": "manque_argent",
    "not_eligible": "non_eligible", "not_registered": "non_enregistre", "discrimination": "discrimination",
    "cost": "cout", "documents": "documents", "no_mechanism": "aucun_mecanisme", "bureaucracy": "bureaucratie",
    "security": "securite", "conflict": "conflit", "work": "travail", "marriage": "mariage",
    "detention": "detention", "missing": "disparu", "disability": "handicap", "no_jobs": "pas_d_emploi",
    "skills": "competences", "accessing_services": "acces_services", "barrier_distance": "obstacle_distance",
    "barrier_documents": "obstacle_documents", "barrier_cost": "obstacle_cout", "not_interested": "pas_interesse",
    "employed": "occupe", "unemployed": "chomeur", "inactive": "inactif",
    "court": "tribunal", "land_commission": "commission_fonciere", "legal_aid": "aide_juridique",
    "ombudsperson": "mediateur", "truth_commission": "commission_verite", "hlp": "lft", "remedy": "recours",
}
MECHANISMS: dict[str, tuple[str, ...]] = {
    "hlp": ("court", "land_commission", "traditional", "legal_aid"),
    "remedy": ("court", "ombudsperson", "truth_commission", "traditional"),
}


def category_label(style: str, levels: tuple[str, ...], index: int) -> object:
    """Source label of level `index` of a category variable in a coding style."""
    level = levels[index]
    if style == "numeric":
        return 96 if level == "other" else index + 1
    if style == "french":
        return FRENCH[level]
    return level
