# The MSNA fixture recomputed from its raw files with R's survey package, independently of the tool:
# the two Kobo exports (codes in one, labels in the other), the sampling frame read as published (title rows,
# thousands separators, a totals row), weights N_h / n_h, the design (clusters nested in strata, strata per
# region), and a few indicators by population group.
# Usage: Rscript msna_vs_r.R north.csv south.csv sampling_frame.csv out.csv
suppressMessages(library(survey))
options(survey.lonely.psu = "adjust")
args <- commandArgs(trailingOnly = TRUE)

code <- function(x) gsub("^_|_$", "", gsub("[^a-z]+", "_", tolower(trimws(x))))
yes_no <- function(x) { x <- code(x); ifelse(x == "yes", 1, ifelse(x == "no", 0, NA)) }
read_export <- function(path, region) {
  d <- read.csv(path, stringsAsFactors = FALSE, check.names = FALSE, na.strings = "")
  data.frame(
    region = region, district = code(d[["admin/district"]]), group = code(d[["hh/pop_group"]]),
    cluster = d[["admin/cluster_id"]], water = yes_no(d[["wash/water_sufficient"]]),
    moved = yes_no(d[["protection/movement_restricted"]]), bank = yes_no(d[["livelihood/bank_account"]]),
    mobile = yes_no(d[["livelihood/mobile_money"]]), lost = yes_no(d[["hlp/lost_property"]]),
    remedy = yes_no(d[["hlp/remedy_access"]]), docs_lost = yes_no(d[["documentation/docs_lost"]]),
    docs_replaced = yes_no(d[["documentation/docs_replaced"]]),
    fcs = 2 * d[["food/fcs_cereals"]] + 3 * d[["food/fcs_pulses"]] + 4 * d[["food/fcs_meat"]] + d[["food/fcs_veg"]],
    # the head's sex: asked when the respondent is not the head, else the respondent's; a refusal stays missing
    hoh = ifelse(is.na(d[["hh/hoh_sex"]]), code(d[["hh/resp_gender"]]), code(d[["hh/hoh_sex"]])),
    stringsAsFactors = FALSE
  )
}
d <- rbind(read_export(args[1], "north"), read_export(args[2], "south"))
d$hoh[!d$hoh %in% c("female", "male")] <- NA
d$key <- paste(d$district, d$group, sep = "_")

frame <- read.csv(args[3], skip = 2, stringsAsFactors = FALSE, check.names = FALSE)
frame <- frame[!is.na(frame$Stratum) & trimws(frame$Stratum) != "", ]
frame$key <- code(frame$Stratum)
frame$N <- as.numeric(gsub("[^0-9]", "", frame[["# households"]]))
n <- table(d$key)
d$w <- frame$N[match(d$key, frame$key)] / as.numeric(n[d$key])
stopifnot(!any(is.na(d$w)))

d$stratum <- paste(d$region, d$key, sep = ":")
d$nofin <- ifelse(d$bank == 1 | d$mobile == 1, 0, ifelse(d$bank == 0 & d$mobile == 0, 1, NA))
d$no_remedy <- 1 - d$remedy
d$unable <- 1 - d$docs_replaced
d$poor <- as.numeric(d$fcs <= 21)
d$solutions <- as.numeric((d$moved == 0) & (d$water == 1) & (d$nofin == 0) & (d$lost == 0 | d$no_remedy == 0) &
                          (d$docs_lost == 0 | d$unable == 0))
design <- svydesign(ids = ~cluster, strata = ~stratum, weights = ~w, nest = TRUE, data = d)

out <- list()
est <- function(id, var, universe, by = ~group, disagg = "total") {
  sub <- subset(design, eval(universe, d) & !is.na(d[[var]]))
  b <- svyby(as.formula(paste0("~", var)), by, sub, svymean)
  value <- if (disagg == "total") "" else as.character(b[[disagg]])
  out[[length(out) + 1]] <<- data.frame(indicator_id = id, group = as.character(b$group), disaggregation = disagg,
                                        disaggregation_value = value, estimate = coef(b), se = SE(b))
}
est("ADQ-2", "water", quote(TRUE))
est("SAF-3", "moved", quote(TRUE))
est("LIV-2", "nofin", quote(TRUE))
est("HLP-2", "no_remedy", quote(lost == 1))
est("DOC-2", "unable", quote(docs_lost == 1))
est("FCS-1", "poor", quote(TRUE))
est("SOL-1", "solutions", quote(TRUE))
est("ADQ-2", "water", quote(!is.na(hoh)), by = ~group + hoh, disagg = "hoh")
res <- do.call(rbind, out)
res$disaggregation[res$disaggregation == "hoh"] <- "hoh_sex"
write.csv(res, args[4], row.names = FALSE)
cat(sprintf("weighted households %.0f, strata %d, PSUs %d\n", sum(d$w), length(unique(d$stratum)),
            nrow(unique(d[c("stratum", "cluster")]))))
