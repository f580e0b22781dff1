# The MCNA fixture recomputed from its raw files with R's survey package, independently of the tool: three
# regional exports whose weights are normalised on three scales (with records of weight 0, which R keeps),
# each repeating a column (R's read.csv keeps both; the script reads named columns, as the tool does), the
# REACH frame read as published (title rows, an unlabelled total row and strata of population 0 left out by
# matching), each export's weights rescaled within each stratum to the frame's population, the design
# (clusters nested in strata, strata per region), and a few indicators by population group.
# Usage: Rscript mcna_vs_r.R frame.csv out.csv north.csv centre.csv south.csv
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)

code <- function(x) gsub("^_|_$", "", gsub("[^a-z]+", "_", tolower(trimws(x))))
yes_no <- function(x) ifelse(x == "yes", 1, ifelse(x == "no", 0, NA))
read_export <- function(path) {
  d <- read.csv(path, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "")
  region <- sub("^mcna_", "", sub("\\.csv$", "", basename(path)))
  data.frame(
    region = region, district = code(d[["admin/district"]]), group = code(d[["hh/pop_group"]]),
    cluster = d[["admin/cluster"]], w = d[["weight"]], hoh = d[["hh/hoh_sex"]],
    water = yes_no(d[["wash/water_sufficient"]]), moved = yes_no(d[["protection/movement_restricted"]]),
    separated = yes_no(d[["family/separated"]]), docs_lost = yes_no(d[["docs/docs_lost"]]),
    unable = 1 - yes_no(d[["docs/docs_replaced"]]), stringsAsFactors = FALSE
  )
}
d <- do.call(rbind, lapply(args[3:length(args)], read_export))
d$key <- paste(d$district, d$group, sep = "_")

frame <- read.csv(args[1], skip = 2, stringsAsFactors = FALSE, check.names = FALSE)
frame <- frame[!is.na(frame$Stratum) & trimws(frame$Stratum) != "", ]
frame$key <- code(frame$Stratum)
d$N <- frame$Households[match(d$key, frame$key)]
stopifnot(!any(is.na(d$N)))
d$w <- d$w * d$N / ave(d$w, d$key, FUN = sum)   # each stratum's weights rescaled to its population

d$stratum <- paste(d$region, d$key, sep = ":")
design <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~w, nest = TRUE, data = d)

out <- list()
est <- function(id, var, universe, by = ~group, disagg = "total") {
  sub <- subset(design, eval(universe, d) & !is.na(d[[var]]))
  b <- svyby(as.formula(paste0("~", var)), by, sub, svymean)
  value <- if (disagg == "total") "" else as.character(b[[disagg]])
  n <- aggregate(rep(1, sum(eval(universe, d) & !is.na(d[[var]]) & d$w > 0)),
                 d[eval(universe, d) & !is.na(d[[var]]) & d$w > 0, all.vars(by), drop = FALSE], sum)
  out[[length(out) + 1]] <<- data.frame(indicator_id = id, group = as.character(b$group), disaggregation = disagg,
                                        disaggregation_value = value, estimate = coef(b), se = SE(b),
                                        n = n$x[match(do.call(paste, b[all.vars(by)]), do.call(paste, n[all.vars(by)]))])
}
est("ADQ-2", "water", quote(TRUE))
est("SAF-3", "moved", quote(TRUE))
est("FAM-1", "separated", quote(TRUE))
est("DOC-2", "unable", quote(docs_lost == 1))
est("ADQ-2", "water", quote(TRUE), by = ~group + hoh, disagg = "hoh")
est("SAF-3", "moved", quote(TRUE), by = ~group + region, disagg = "region")
res <- do.call(rbind, out)
res$disaggregation[res$disaggregation == "hoh"] <- "hoh_sex"
res$disaggregation[res$disaggregation == "region"] <- "admin1"
write.csv(res, args[2], row.names = FALSE)
cat(sprintf("weighted households %.0f, strata %d, PSUs %d, weight 0 records %d\n", sum(d$w),
            length(unique(d$stratum)), nrow(unique(d[c("stratum", "cluster")])), sum(d$w == 0)))
