# Reference design effects on normalised weights and Korn-Graubard intervals, for
# tests/survey/test_deff_kg_vs_r.py.
#
# Usage: Rscript deff_kg_reference.R data.csv out.csv
# data.csv: stratum, psu, weight (normalised: they sum to the number of records), dom, y (0/1), z (number),
# x (number > 0). With svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE):
#   - deff_mean: svyby(~z, ~dom, svymean, deff = "replace") (no finite population correction: the weights
#     describe no population; deff = TRUE gives NA here);
#   - deff_ratio: svyby(~z, ~dom, svyratio, denominator = ~x, deff = "replace");
#   - kg: svyciprop(~y, subset(design, dom == d), method = "beta") per domain; where the domain's share is
#     0 or 1 R returns NaN (n.eff = 0/0), so the same formula is written out with n.eff = nrow(sub-design).
# Writes: what, dom, estimate, value_1, value_2 (deff in value_1; the interval in value_1, value_2).

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
rows <- list()
add <- function(what, dom, est, v1, v2 = NA) {
  rows[[length(rows) + 1]] <<- data.frame(what = what, dom = dom, estimate = as.numeric(est),
                                          value_1 = as.numeric(v1), value_2 = as.numeric(v2))
}
b <- svyby(~z, ~dom, des, svymean, deff = "replace")
for (i in seq_len(nrow(b))) add("deff_mean", b$dom[i], b$z[i], b[i, grep("^DEff", names(b))[1]])
r <- svyby(~z, ~dom, des, svyratio, denominator = ~x, deff = "replace")
for (i in seq_len(nrow(r))) add("deff_ratio", r$dom[i], r[i, 2], r[i, grep("^DEff", names(r))[1]])
level <- 0.95
alpha <- 1 - level
for (g in sort(unique(d$dom))) {
  sub <- subset(des, dom == g)
  ci <- svyciprop(~y, sub, method = "beta", level = level)
  p <- as.numeric(coef(ci))
  bounds <- as.numeric(confint(ci))
  if (p == 0 || p == 1) {
    n.eff <- nrow(sub) * (qt(alpha / 2, nrow(sub) - 1) / qt(alpha / 2, degf(sub)))^2
    bounds <- c(qbeta(alpha / 2, n.eff * p, n.eff * (1 - p) + 1), qbeta(1 - alpha / 2, n.eff * p + 1, n.eff * (1 - p)))
    bounds[is.na(bounds)] <- c(0, 1)[is.na(bounds)]
  }
  add("kg", g, p, bounds[1], bounds[2])
}
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
