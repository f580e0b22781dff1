# Reference changes between two editions, for tests/editions/test_changes_vs_r.py (methodology.md section 3).
#
# Usage: Rscript changes_reference.R jobs.tsv
#   one line per pair of editions: before.csv <TAB> after.csv <TAB> margin <TAB> out.csv
# Each CSV: stratum, psu, weight, role, water (0/1), one survey (an edition). Per edition and group, with
# svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE): svymean(~water) on the group's
# sub-design, its SE, and the df of that sub-design (degf). The two editions are independent samples:
#   change = p_after - p_before, se = sqrt(se_before^2 + se_after^2), df = min(df_before, df_after),
#   CI = change -/+ qt(0.975, df) * se.
# Status (water: higher is better; margin delta in points): "no_material_change" when the CI lies within
# (-delta, delta); else "improved" when the CI's lower bound is above 0, "worsened" when its upper bound is
# below 0; else "cannot_tell".
# Writes: group, estimate_from, estimate_to, change, se, df, ci_l, ci_u, status.

suppressPackageStartupMessages(library(survey))
options(survey.lonely.psu = "adjust")

by_group <- function(path) {
  d <- read.csv(path, stringsAsFactors = FALSE)
  des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = d)
  out <- list()
  for (g in c("comparison", "idp")) {
    sub <- subset(des, role == g)
    m <- svymean(~water, sub)
    out[[g]] <- c(estimate = unname(coef(m)), se = unname(SE(m)), df = degf(sub))
  }
  out
}

one <- function(before_path, after_path, delta, out_path) {
  a <- by_group(before_path)
  b <- by_group(after_path)
  rows <- list()
  for (g in c("comparison", "idp")) {
    change <- b[[g]][["estimate"]] - a[[g]][["estimate"]]
    se <- sqrt(a[[g]][["se"]]^2 + b[[g]][["se"]]^2)
    df <- min(a[[g]][["df"]], b[[g]][["df"]])
    q <- qt(0.975, df)
    lo <- change - q * se
    hi <- change + q * se
    status <- if (lo > -delta && hi < delta) "no_material_change" else if (lo > 0) "improved" else
      if (hi < 0) "worsened" else "cannot_tell"
    rows[[g]] <- data.frame(group = g, estimate_from = a[[g]][["estimate"]], estimate_to = b[[g]][["estimate"]],
                            change = change, se = se, df = df, ci_l = lo, ci_u = hi, status = status)
  }
  write.csv(do.call(rbind, rows), out_path, row.names = FALSE)
}

args <- commandArgs(trailingOnly = TRUE)
jobs <- read.delim(args[1], header = FALSE, stringsAsFactors = FALSE)
for (i in seq_len(nrow(jobs))) one(jobs[i, 1], jobs[i, 2], as.numeric(jobs[i, 3]), jobs[i, 4])
