# Reference results for `relscale reliability` on ordinal items: ordinal alpha (psych),
# categorical omega (semTools::compRelSEM on lavaan's one-factor WLSMV fit per scale) and
# its bootstrap standard error, and psych::alpha's confidence intervals with missing
# answers, on a seeded three-point data set shaped as relscale's disability-care client
# form (relationship_quality_client / disability_care / client: 19 items, 3 scales, one
# reverse-keyed item per scale).
#
#     Rscript tests/reference/ordinal_reliability_reference.R
#
# writes tests/data/reliability/ordinal_dc.csv (the answers as the respondents gave them:
# reverse-keyed items not recoded, 1..3, about 5% missing, empty cells) and
# tests/data/reliability/ordinal_dc.json. Both are committed, so the Python tests
# (tests/test_reliability_ordinal.py) never need R (about 3 minutes).
#
# Per scale, with reverse-keyed items recoded as 4 - answer (what relscale does):
#   listwise: the respondents who answered every item of the scale (na.omit);
#             cfa("F =~ ...", ordered = TRUE, estimator = "WLSMV"), compRelSEM(fit,
#             ord.scale = TRUE), alpha(polychoric(x)$rho), and a nonparametric bootstrap
#             (bootstrapLavaan, R = 300) of compRelSEM for the standard error;
#   pairwise: every respondent, cfa(..., missing = "pairwise"), polychoric(x) with its
#             default pairwise deletion, and psych::alpha(x) (use = "pairwise": its
#             Feldt and Duhachek intervals on nrow(x)).

suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(psych)
  library(MASS)
})

script_path <- sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))
out_dir <- normalizePath(file.path(dirname(script_path), "..", "data", "reliability"))

items <- c("rqc01", "rqc02", "rqc03", "rqc04", "rqc05", "rqc06", "dc_rqc_b01", "rqc07",
           "rqc08", "rqc09", "rqc10", "rqc11", "dc_rqc_b02", "rqc12", "rqc13", "rqc14",
           "rqc15", "rqc16", "dc_rqc_b03")
scale_of <- c("closeness", "conflict", "negative_expectations", "closeness", "conflict",
              "negative_expectations", "closeness", "closeness", "conflict",
              "negative_expectations", "closeness", "conflict", "conflict",
              "negative_expectations", "closeness", "conflict", "negative_expectations",
              "closeness", "negative_expectations")
reverse <- grepl("^dc_rqc_b", items)
scales <- c("closeness", "conflict", "negative_expectations")

set.seed(2024)
n <- 400
phi <- matrix(c(1, -0.4, -0.3, -0.4, 1, 0.5, -0.3, 0.5, 1), 3)
eta <- mvrnorm(n, rep(0, 3), phi)
loading <- c(0.75, 0.70, 0.65, 0.80, 0.55, 0.60, 0.70, 0.60, 0.75, 0.50, 0.65, 0.60,
             0.70, 0.55, 0.70, 0.50, 0.65, 0.55, 0.60)
low <- rep(c(-0.6, -0.2, 0.1, -0.9, 0.3), length.out = length(items))
high <- low + rep(c(1.0, 1.3, 0.8, 1.5), length.out = length(items))
x <- sapply(seq_along(items), function(j) {
  f <- match(scale_of[j], scales)
  y <- loading[j] * eta[, f] + sqrt(1 - loading[j]^2) * rnorm(n)
  answer <- 1 + (y > low[j]) + (y > high[j])
  if (reverse[j]) 4 - answer else answer  # as the respondent ticked it
})
colnames(x) <- items
x[matrix(runif(length(x)) < 0.05, nrow(x))] <- NA
x[7, scale_of == "conflict"] <- NA  # two respondents who skipped a whole scale
x[8, scale_of == "closeness"] <- NA
data <- data.frame(respondent_code = sprintf("r%03d", seq_len(n)), x, check.names = FALSE)
write.csv(data, file.path(out_dir, "ordinal_dc.csv"), row.names = FALSE, na = "", quote = FALSE)

recoded <- x
recoded[, reverse] <- 4 - recoded[, reverse]

num <- function(v) if (is.na(v)) "null" else trimws(formatC(v, digits = 15, format = "g"))
vec <- function(v) paste0("[", paste(vapply(v, num, ""), collapse = ", "), "]")

entries <- c()
for (s in scales) {
  sub <- as.data.frame(recoded[, scale_of == s])
  model <- paste("F =~", paste(colnames(sub), collapse = " + "))
  complete <- na.omit(sub)
  fit_lw <- cfa(model, data = complete, ordered = colnames(sub), estimator = "WLSMV")
  omega_lw <- compRelSEM(fit_lw, ord.scale = TRUE)[[1]]
  alpha_lw <- alpha(suppressWarnings(polychoric(complete)$rho), warnings = FALSE)$total$raw_alpha
  set.seed(7)
  boot <- bootstrapLavaan(fit_lw, R = 300, type = "ordinary",
                          FUN = function(f) compRelSEM(f, ord.scale = TRUE))
  fit_pw <- cfa(model, data = sub, ordered = colnames(sub), estimator = "WLSMV",
                missing = "pairwise")
  omega_pw <- compRelSEM(fit_pw, ord.scale = TRUE)[[1]]
  alpha_pw <- alpha(suppressWarnings(polychoric(sub)$rho), warnings = FALSE)$total$raw_alpha
  a <- psych::alpha(sub, warnings = FALSE)
  entries <- c(entries, paste0(
    '  "', s, '": {\n',
    '    "items": [', paste0('"', colnames(sub), '"', collapse = ", "), '],\n',
    '    "listwise": {"n": ', lavInspect(fit_lw, "nobs"), ', "ordinal_alpha": ', num(alpha_lw),
    ', "categorical_omega": ', num(omega_lw), ',\n',
    '                 "bootstrap": {"R": ', sum(is.finite(boot[, 1])), ', "se": ',
    num(sd(boot[, 1], na.rm = TRUE)), '}},\n',
    '    "pairwise": {"n": ', lavInspect(fit_pw, "nobs"), ', "ordinal_alpha": ', num(alpha_pw),
    ', "categorical_omega": ', num(omega_pw), '},\n',
    '    "psych_alpha": {"alpha": ', num(a$total$raw_alpha), ', "feldt": ',
    vec(c(a$feldt$lower.ci, a$feldt$upper.ci)), ', "duhachek": ',
    vec(a$total$raw_alpha + c(-1.96, 1.96) * a$total$ase), ', "n_rows": ', nrow(sub), '}\n',
    '  }'))
}
writeLines(c("{", paste0('  "versions": {"lavaan": "', packageVersion("lavaan"),
                         '", "semTools": "', packageVersion("semTools"), '", "psych": "',
                         packageVersion("psych"), '"},'),
             paste(entries, collapse = ",\n"), "}"),
           file.path(out_dir, "ordinal_dc.json"))
cat("wrote", file.path(out_dir, "ordinal_dc.json"), "\n")
