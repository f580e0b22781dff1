# The engine-benchmark subset in R's survey package (bench/engine.py runs it in a fresh process).
# Usage: Rscript engine_subset.R households.csv individuals.csv out.csv
# Prints bench_<key>=<value> lines: read_seconds (excluded from r_seconds), design_seconds, estimate_seconds,
# heap_max_used_gib (R heap: gc() max used after reset, data resident), reader.

suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
hh_path <- args[1]; ind_path <- args[2]; out_path <- args[3]
options(survey.lonely.psu = "adjust")
now <- function() proc.time()[["elapsed"]]

has_dt <- requireNamespace("data.table", quietly = TRUE)
rd <- function(p) {
  if (has_dt) as.data.frame(data.table::fread(p, showProgress = FALSE, na.strings = c("", "NA")))
  else read.csv(p, na.strings = c("", "NA"), stringsAsFactors = FALSE)
}
t0 <- now()
hh <- rd(hh_path)
ind <- rd(ind_path)
read_s <- now() - t0
invisible(gc(reset = TRUE))
used0 <- sum(gc()[, 2])

t1 <- now()
# LIV-1: unemployed / labour force (employed + unemployed), ages 15-64; PAR-2: participation among adults
ind$lf <- as.numeric(ind$age >= 15 & ind$age <= 64 & ind$labour_status %in% c("employed", "unemployed"))
ind$unemp <- as.numeric(ind$lf == 1 & ind$labour_status %in% "unemployed")
ind$par2 <- ifelse(ind$age >= 18, ind$community_participation, NA)
dh <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = hh)
di <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, nest = TRUE, data = ind)
design_s <- now() - t1

rows <- list()
add <- function(id, disagg, r) {
  vals <- if (disagg == "total") rep("", nrow(r)) else as.character(r[[disagg]])
  rows[[length(rows) + 1]] <<- data.frame(
    indicator_id = id, group = as.character(r$role), disaggregation = disagg, disaggregation_value = vals,
    estimate = as.numeric(coef(r)), se = as.numeric(SE(r)), stringsAsFactors = FALSE)
}
t2 <- now()
add("ADQ-2", "total", svyby(~water_daily_sufficient, ~role, dh, svymean, na.rm = TRUE))
add("ADQ-2", "urban_rural", svyby(~water_daily_sufficient, ~role + urban_rural, dh, svymean, na.rm = TRUE))
add("LIV-1", "total", svyby(~unemp, ~role, di, svyratio, denominator = ~lf))
add("LIV-1", "sex", svyby(~unemp, ~role + sex, di, svyratio, denominator = ~lf))
add("PAR-2", "total", svyby(~par2, ~role, di, svymean, na.rm = TRUE))
add("PAR-2", "sex", svyby(~par2, ~role + sex, di, svymean, na.rm = TRUE))
estimate_s <- now() - t2
max_used <- sum(gc()[, 6])

out <- do.call(rbind, rows)
write.csv(out, out_path, row.names = FALSE)
cat(sprintf("bench_read_seconds=%.3f\n", read_s))
cat(sprintf("bench_design_seconds=%.3f\n", design_s))
cat(sprintf("bench_estimate_seconds=%.3f\n", estimate_s))
cat(sprintf("bench_heap_before_gib=%.3f\n", used0 / 1024))
cat(sprintf("bench_heap_max_used_gib=%.3f\n", max_used / 1024))
cat(sprintf("bench_reader=%s\n", if (has_dt) "data.table::fread" else "read.csv"))
cat(sprintf("bench_rows=%d\n", nrow(out)))
