# Independent check of the indicator tables: the same indicators computed with R's survey package on the
# mapped demo data that the engine used. Usage: Rscript indicators_vs_r.R households.csv individuals.csv out.csv
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)
hh <- read.csv(args[1], stringsAsFactors = FALSE)
ind <- read.csv(args[2], stringsAsFactors = FALSE)
out <- list()
add <- function(id, kind, tab) out[[length(out) + 1]] <<- data.frame(indicator_id = id, what = kind, tab)

dh <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = hh)
di <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = ind)

prop <- function(id, design, var) {
  b <- svyby(as.formula(paste0("~", var)), ~role, design, svymean, covmat = TRUE)
  add(id, "estimate", data.frame(group = as.character(b$role), value = coef(b), se = SE(b)))
  ci <- svyby(as.formula(paste0("~", var)), ~role, design, svyciprop, method = "logit", vartype = "ci")
  add(id, "ci_low", data.frame(group = as.character(ci$role), value = ci$ci_l, se = NA))
  add(id, "ci_high", data.frame(group = as.character(ci$role), value = ci$ci_u, se = NA))
  for (g in setdiff(as.character(b$role), "comparison")) {
    w <- setNames(rep(0, nrow(b)), rownames(b)); w[g] <- 1; w["comparison"] <- -1
    con <- svycontrast(b, w)
    add(id, "gap", data.frame(group = g, value = as.numeric(coef(con)), se = as.numeric(SE(con))))
  }
}
# ADQ-2: households with daily sufficient safe water (missing answers leave the universe)
prop("ADQ-2", subset(dh, !is.na(water_daily_sufficient)), "water_daily_sufficient")
# HLP-2: no access to remedies among households that lost HLP
hl <- subset(dh, hlp_lost == 1 & !is.na(hlp_no_access_remedy))
prop("HLP-2", hl, "hlp_no_access_remedy")
# LIV-1: unemployed / labour force, ages 15-64 (a ratio of two totals)
ind$unemployed <- as.numeric(ind$labour_status %in% "unemployed")
ind$labour_force <- as.numeric(ind$labour_status %in% c("employed", "unemployed"))
di <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = ind)
lf <- subset(di, age >= 15 & age <= 64 & labour_force == 1)
r <- svyby(~unemployed, ~role, lf, svyratio, denominator = ~labour_force)
add("LIV-1", "estimate", data.frame(group = as.character(r$role), value = coef(r), se = SE(r)))
write.csv(do.call(rbind, out), args[3], row.names = FALSE)
