# The peers benchmark in R's survey package (bench/peers.py runs it in a fresh process, once per size).
# Usage: Rscript peers.R data.csv out.csv
# Times svydesign once, then svyby per kind (mean, proportion, ratio, total) by group; reading the CSV is
# reported apart (bench_read_seconds). The proportion is svymean of the 0/1 column: the same estimate and
# SE as svyciprop, without its per-domain logistic fit (whose CI is not benchmarked here).

suppressPackageStartupMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
now <- function() proc.time()[["elapsed"]]
t0 <- now()
d <- if (requireNamespace("data.table", quietly = TRUE)) {
  as.data.frame(data.table::fread(args[1], showProgress = FALSE))
} else {
  read.csv(args[1], stringsAsFactors = FALSE)
}
d$group <- factor(d$group)
cat(sprintf("bench_read_seconds=%.3f\n", now() - t0))

t1 <- now()
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = d)
cat(sprintf("bench_design_seconds=%.3f\n", now() - t1))

rows <- list()
run <- function(kind, expr) {
  t <- now()
  b <- expr
  cat(sprintf("bench_%s_seconds=%.3f\n", kind, now() - t))
  rows[[length(rows) + 1]] <<- data.frame(kind = kind, group = as.character(b$group),
                                          estimate = as.numeric(coef(b)), se = as.numeric(SE(b)))
}
run("mean", svyby(~y, ~group, des, svymean))
run("proportion", svyby(~p, ~group, des, svymean))
run("ratio", svyby(~y, ~group, des, svyratio, denominator = ~x))
run("total", svyby(~y, ~group, des, svytotal))
write.csv(do.call(rbind, rows), args[2], row.names = FALSE)
