# Reference estimates from R's survey package, for tests/survey/test_vs_r.py.
#
# Usage: Rscript reference.R data.csv out.csv key=value ...   (one design), or
#        Rscript reference.R jobs.tsv   (one design per line: data.csv<TAB>out.csv<TAB>key=value...)
#   weight=w  strata=st  psu=psu  fpc=fpc      design columns (omit strata/psu/fpc when absent)
#   lonely=fail|certainty|adjust|average|remove  (options(survey.lonely.psu))
#   dom=dom                                    domain column (NA = in no domain)
#   means=y1,y2        svymean / svyby(svymean, na.rm=TRUE, deff) / svytotal / degf of domain sub-sets
#   props=y1           svyciprop(method="logit") overall and by domain (on the non-missing sub-set)
#   ratios=y1/x1       svyratio overall and svyby(svyratio) (complete cases)
#   contrasts=y1|2:0;y1|1:0;y1/x1|2:1   svycontrast on svyby(..., covmat=TRUE)
#
# Writes one long CSV: stat, var, dom, estimate, se, deff, ci_l, ci_u, df, message.
# A jobs file runs many designs in one R process (loading survey once) so the Python tests stay fast.

suppressPackageStartupMessages(library(survey))

parse_kv <- function(a) {
  kv <- list()
  for (x in a) {
    p <- regexpr("=", x, fixed = TRUE)
    kv[[substr(x, 1, p - 1)]] <- substr(x, p + 1, nchar(x))
  }
  kv
}
split_list <- function(x, sep) if (is.null(x)) character(0) else strsplit(x, sep, fixed = TRUE)[[1]]

one_design <- function(data_path, out_path, kv) {
  opt <- function(name) if (is.null(kv[[name]]) || kv[[name]] == "") NULL else kv[[name]]
  options(survey.lonely.psu = if (is.null(opt("lonely"))) "fail" else opt("lonely"))
  d <- read.csv(data_path)
  rows <- list()
  add <- function(stat, var, dom, estimate, se = NA, deff = NA, ci_l = NA, ci_u = NA, df = NA, message = "") {
    n <- length(estimate)
    rows[[length(rows) + 1]] <<- data.frame(
      stat = rep(stat, n), var = rep(var, n), dom = as.character(dom), estimate = as.numeric(estimate),
      se = as.numeric(se), deff = as.numeric(deff), ci_l = as.numeric(ci_l), ci_u = as.numeric(ci_u),
      df = as.numeric(df), message = rep(message, n), stringsAsFactors = FALSE
    )
  }

  run <- function() {
    ids <- if (is.null(opt("psu"))) ~1 else as.formula(paste0("~", opt("psu")))
    strata <- if (is.null(opt("strata"))) NULL else as.formula(paste0("~", opt("strata")))
    fpc <- if (is.null(opt("fpc"))) NULL else as.formula(paste0("~", opt("fpc")))
    des <- svydesign(ids = ids, strata = strata, weights = as.formula(paste0("~", opt("weight"))),
                     fpc = fpc, nest = TRUE, data = d)
    add("degf", "", NA, degf(des))
    dom <- opt("dom")
    byf <- as.formula(paste0("~", dom))

    for (y in split_list(opt("means"), ",")) {
      f <- as.formula(paste0("~", y))
      m <- svymean(f, des, na.rm = TRUE, deff = TRUE)
      add("mean", y, NA, coef(m), SE(m), deff(m))
      b <- svyby(f, byf, des, svymean, na.rm = TRUE, deff = TRUE)
      add("mean_by", y, b[[dom]], coef(b), SE(b), deff(b))
      b <- svyby(f, byf, des, svymean, na.rm = TRUE, deff = "replace")
      add("mean_by_deff_replace", y, b[[dom]], coef(b), SE(b), b[[grep("^DEff", names(b))[1]]])
      b <- svyby(f, byf, des, svytotal, na.rm = TRUE, deff = TRUE)
      add("total_by", y, b[[dom]], coef(b), SE(b), deff(b))
      levs <- sort(unique(d[[dom]][!is.na(d[[dom]])]))
      for (lv in levs) {
        keep <- !is.na(d[[dom]]) & d[[dom]] == lv & !is.na(d[[y]])
        if (any(keep)) add("degf_by", y, lv, degf(des[keep, ]))
      }
    }

    for (y in split_list(opt("props"), ",")) {
      f <- as.formula(paste0("~", y))
      sub <- des[!is.na(d[[y]]), ]
      p <- svyciprop(f, sub, method = "logit")
      ci <- attr(p, "ci")
      add("prop", y, NA, coef(p), SE(p), ci_l = ci[1], ci_u = ci[2], df = degf(sub))
      b <- suppressWarnings(svyby(f, byf, sub, svyciprop, method = "logit", vartype = c("se", "ci")))
      add("prop_by", y, b[[dom]], coef(b), SE(b), ci_l = b$ci_l, ci_u = b$ci_u)
    }

    for (r in split_list(opt("ratios"), ",")) {
      nd <- split_list(r, "/")
      fy <- as.formula(paste0("~", nd[1]))
      fx <- as.formula(paste0("~", nd[2]))
      sub <- des[!is.na(d[[nd[1]]]) & !is.na(d[[nd[2]]]), ]
      s <- svyratio(fy, fx, sub, deff = TRUE)
      add("ratio", r, NA, coef(s), SE(s), deff(s))
      b <- svyby(fy, byf, sub, svyratio, denominator = fx, deff = TRUE)
      add("ratio_by", r, b[[dom]], coef(b), SE(b), deff(b))
    }

    for (cspec in split_list(opt("contrasts"), ";")) {
      parts <- split_list(cspec, "|")
      v <- parts[1]
      ab <- split_list(parts[2], ":")
      if (grepl("/", v, fixed = TRUE)) {
        nd <- split_list(v, "/")
        sub <- des[!is.na(d[[nd[1]]]) & !is.na(d[[nd[2]]]), ]
        b <- svyby(as.formula(paste0("~", nd[1])), byf, sub, svyratio,
                   denominator = as.formula(paste0("~", nd[2])), covmat = TRUE)
      } else {
        sub <- des[!is.na(d[[v]]), ]
        b <- svyby(as.formula(paste0("~", v)), byf, sub, svymean, covmat = TRUE)
      }
      lv <- as.character(b[[dom]])
      if (!(ab[1] %in% lv) || !(ab[2] %in% lv)) next
      cv <- rep(0, length(lv))
      cv[lv == ab[1]] <- 1
      cv[lv == ab[2]] <- -1
      cc <- svycontrast(b, cv)
      add("contrast", v, parts[2], coef(cc), SE(cc))
    }
  }

  res <- tryCatch(withCallingHandlers({ run(); NULL }, error = function(e) {
    if (nzchar(Sys.getenv("REFERENCE_R_DEBUG"))) print(tail(sys.calls(), 6))
  }), error = function(e) conditionMessage(e))
  if (!is.null(res)) {
    rows <- list()
    add("error", "", NA, NA, message = res)
  }
  write.csv(do.call(rbind, rows), out_path, row.names = FALSE)
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 1) {
  # a jobs file: one design per line, tab-separated fields as on the command line
  for (line in readLines(args[1])) {
    if (!nzchar(line)) next
    f <- strsplit(line, "\t")[[1]]
    one_design(f[1], f[2], parse_kv(f[-(1:2)]))
  }
} else {
  one_design(args[1], args[2], parse_kv(args[-(1:2)]))
}
