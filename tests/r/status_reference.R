# Reference intervals for the gap status and for means and ratios, for tests/indicators/test_status_vs_r.py.
#
# Usage: Rscript status_reference.R jobs.tsv
#   one line per data set: households.csv <TAB> individuals.csv <TAB> out.csv
# Households: stratum, psu, weight, role, water (0/1). Individuals: stratum, psu, weight, role, age,
# labour_status. Per data set, with the design svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
# nest = TRUE) and t on the design degrees of freedom (confint(..., df = degf(design))):
#   - the gap idp - comparison of the share with water (svyby + svycontrast), df = the smaller of the two
#     groups' sub-design degf (methodology §3: the gap rests on both domains);
#   - the gap of the unemployment rate (svyby(svyratio) + svycontrast), df = the smaller of the two groups'
#     labour-force sub-design degf;
#   - per group: the mean age (svymean) and the unemployment rate (svyratio), each with the df of its
#     sub-design (the group's records in the indicator's universe).
# Writes: what, group, estimate, se, ci_l, ci_u, df.

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")

one <- function(hh_path, ind_path, out_path) {
  hh <- read.csv(hh_path, stringsAsFactors = FALSE)
  ind <- read.csv(ind_path, stringsAsFactors = FALSE)
  rows <- list()
  add <- function(what, group, est, se, ci, df) {
    ci <- as.numeric(ci)
    rows[[length(rows) + 1]] <<- data.frame(what = what, group = group, estimate = as.numeric(est),
                                            se = as.numeric(se), ci_l = ci[1], ci_u = ci[2], df = as.numeric(df))
  }
  dh <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = hh)
  b <- svyby(~water, ~role, dh, svymean, covmat = TRUE)
  con <- svycontrast(b, c(comparison = -1, idp = 1))
  gdf <- min(sapply(c("comparison", "idp"), function(g) degf(subset(dh, role == g & !is.na(water)))))
  add("gap_water", "idp", coef(con), SE(con), confint(con, df = gdf), gdf)

  ind$unemployed <- as.numeric(ind$labour_status == "unemployed")
  ind$labour_force <- as.numeric(ind$labour_status %in% c("employed", "unemployed"))
  di <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = ind)
  working_age <- subset(di, age >= 15 & age <= 64)
  r <- svyby(~unemployed, ~role, working_age, svyratio, denominator = ~labour_force, covmat = TRUE)
  con <- svycontrast(r, c(comparison = -1, idp = 1))
  gdf <- min(sapply(c("comparison", "idp"), function(g)
    degf(subset(di, role == g & age >= 15 & age <= 64 & labour_force == 1))))
  add("gap_unemployment", "idp", coef(con), SE(con), confint(con, df = gdf), gdf)

  for (g in c("comparison", "idp")) {
    sub <- subset(di, role == g)
    m <- svymean(~age, sub)
    add("mean_age", g, coef(m), SE(m), confint(m, df = degf(sub)), degf(sub))
    lf <- subset(di, role == g & age >= 15 & age <= 64 & labour_force == 1)
    q <- svyratio(~unemployed, ~labour_force, lf)
    add("unemployment", g, coef(q), SE(q), confint(q, df = degf(lf)), degf(lf))
  }
  write.csv(do.call(rbind, rows), out_path, row.names = FALSE)
}

args <- commandArgs(trailingOnly = TRUE)
jobs <- read.delim(args[1], header = FALSE, stringsAsFactors = FALSE)
for (i in seq_len(nrow(jobs))) one(jobs[i, 1], jobs[i, 2], jobs[i, 3])
