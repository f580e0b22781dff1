# R's survey package on the tidy-API test data, for tests/survey/test_tidy_vs_r.py.
# Usage: Rscript tidy_reference.R data.csv out.csv
# Writes one long CSV: stat, group, sex, var, estimate, se, deff, df, n, ci_l, ci_u.

suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
options(survey.lonely.psu = "adjust")
d <- read.csv(args[1], na.strings = c("", "NA"), stringsAsFactors = FALSE)
d$sex <- factor(d$sex, levels = c("male", "female"))  # a categorical whose levels are not sorted
des <- svydesign(ids = ~psu, strata = ~st, weights = ~w, nest = TRUE, data = d)
rows <- list()
add <- function(stat, group, sex, var, estimate, se = NA, deff = NA, df = NA, n = NA, ci_l = NA, ci_u = NA) {
  k <- length(estimate)
  rows[[length(rows) + 1]] <<- data.frame(
    stat = stat, group = rep(as.character(group), length.out = k), sex = rep(as.character(sex), length.out = k),
    var = var, estimate = as.numeric(estimate), se = as.numeric(se), deff = as.numeric(deff),
    df = as.numeric(df), n = as.numeric(n), ci_l = as.numeric(ci_l), ci_u = as.numeric(ci_u),
    stringsAsFactors = FALSE)
}
# per-domain df, n and t interval of svymean on the domain's non-missing sub-set
domain_mean <- function(stat, keep, group, sex, y) {
  sub <- des[keep, ]
  m <- svymean(as.formula(paste0("~", y)), sub)
  ci <- confint(m, df = degf(sub))
  add(stat, group, sex, y, coef(m), SE(m), df = degf(sub), n = sum(keep), ci_l = ci[1], ci_u = ci[2])
}

b <- svyby(~y, ~group, des, svymean, na.rm = TRUE, deff = TRUE)
add("mean", b$group, NA, "y", coef(b), SE(b), deff(b))
for (g in sort(unique(na.omit(d$group)))) {
  domain_mean("mean_domain", !is.na(d$group) & d$group == g & !is.na(d$y), g, NA, "y")
}
b <- svyby(~y, ~group + sex, des, svymean, na.rm = TRUE, deff = TRUE)
add("mean2", b$group, b$sex, "y", coef(b), SE(b), deff(b))
b <- svyby(~y, ~group, des, svytotal, na.rm = TRUE, deff = TRUE)
add("total", b$group, NA, "y", coef(b), SE(b), deff(b))
sub <- des[!is.na(d$num) & !is.na(d$den), ]
b <- svyby(~num, ~group, sub, svyratio, denominator = ~den, deff = TRUE)
add("ratio", b$group, NA, "num/den", coef(b), SE(b), deff(b))
sub <- des[!is.na(d$p), ]
b <- suppressWarnings(svyby(~p, ~group, sub, svyciprop, method = "logit", vartype = c("se", "ci")))
add("prop", b$group, NA, "p", coef(b), SE(b), ci_l = b$ci_l, ci_u = b$ci_u)

sub <- des[!is.na(d$y), ]
b <- svyby(~y, ~group, sub, svymean, covmat = TRUE)
cc <- svycontrast(b, c(idp = 1, comparison = -1))
add("contrast_gap", NA, NA, "y", coef(cc), SE(cc))
b <- svyby(~z + y2, ~group, des, svymean, covmat = TRUE)
cc <- svycontrast(b, list(mixed = c("idp:z" = 1, "comparison:y2" = -2, "returnee:z" = 0.5)))
add("contrast_mixed", NA, NA, "", coef(cc), SE(cc))
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
