# Reference results for relscale.analysis, computed with lavaan (CFA, invariance, score
# tests) and MASS::polr (ordinal logistic DIF) on the seeded data sets in
# tests/data/analysis/ (written by scripts/make_analysis_reference_data.py).
#
#     Rscript tests/reference/lavaan_reference.R
#
# writes tests/data/analysis/<dataset>.lavaan.json and dif10.polr.json. The JSON files are
# committed, so the Python tests never need R. Every lavaan call uses lavaan's defaults
# (estimator ML, likelihood normal, expected information, listwise deletion).

suppressPackageStartupMessages({
  library(lavaan)
  library(MASS)
})

script_path <- sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))
data_dir <- normalizePath(file.path(dirname(script_path), "..", "data", "analysis"))

# A small JSON writer (jsonlite is not needed): named list -> object, unnamed -> array.
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0(inner, "\"", k, "\": ", to_json(v, inner)),
                      names(x), x)
      return(paste0("{\n", paste(parts, collapse = ",\n"), "\n", indent, "}"))
    }
    parts <- vapply(x, function(v) paste0(inner, to_json(v, inner)), "")
    return(paste0("[\n", paste(parts, collapse = ",\n"), "\n", indent, "]"))
  }
  if (length(x) != 1) return(to_json(as.list(unname(x)), indent))
  if (is.character(x)) return(paste0("\"", gsub("\"", "\\\\\"", x), "\""))
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (!is.finite(x)) return("null")
  trimws(formatC(as.numeric(x), digits = 15, format = "g"))
}

write_json <- function(x, name) {
  path <- file.path(data_dir, name)
  writeLines(to_json(x), path)
  cat("wrote", path, "\n")
}

models <- read.csv(file.path(data_dir, "models.csv"), stringsAsFactors = FALSE)

model_syntax <- function(name) {
  m <- models[models$dataset == name, ]
  factors <- unique(m$factor)
  lines <- vapply(factors, function(f)
    paste0(f, " =~ ", paste(m$item[m$factor == f], collapse = " + ")), "")
  paste(lines, collapse = "\n")
}

read_data <- function(name) {
  read.csv(file.path(data_dir, paste0(name, ".csv")), stringsAsFactors = FALSE)
}

FIT_MEASURES <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower",
                  "rmsea.ci.upper", "srmr", "baseline.chisq", "baseline.df", "ntotal")

fit_list <- function(fit) {
  fm <- fitMeasures(fit, FIT_MEASURES)
  out <- as.list(as.numeric(fm))
  names(out) <- gsub(".", "_", FIT_MEASURES, fixed = TRUE)
  out$converged <- lavInspect(fit, "converged")
  out
}

cfa_result <- function(fit) {
  ss <- standardizedSolution(fit)
  pe <- parameterEstimates(fit)
  ld <- ss[ss$op == "=~", ]
  pe_ld <- pe[pe$op == "=~", ]
  loadings <- lapply(seq_len(nrow(ld)), function(i) list(
    factor = ld$lhs[i], item = ld$rhs[i], est_std = ld$est.std[i], se_std = ld$se[i],
    est = pe_ld$est[i], se = pe_ld$se[i]))
  lv <- lavNames(fit, "lv")
  fc <- ss[ss$op == "~~" & ss$lhs != ss$rhs & ss$lhs %in% lv, ]
  cors <- lapply(seq_len(nrow(fc)), function(i) list(
    factor1 = fc$lhs[i], factor2 = fc$rhs[i], est_std = fc$est.std[i], se_std = fc$se[i]))
  rv <- ss[ss$op == "~~" & ss$lhs == ss$rhs & !(ss$lhs %in% lv), ]
  resid <- lapply(seq_len(nrow(rv)), function(i) list(item = rv$lhs[i], est_std = rv$est.std[i]))
  list(fit = fit_list(fit), nobs = lavInspect(fit, "nobs"), loadings = loadings,
       factor_correlations = cors, residual_variances = resid)
}

score_tests <- function(fit) {
  st <- lavTestScore(fit)$uni
  pt <- parTable(fit)
  describe <- function(plabel) {
    r <- pt[pt$plabel == plabel, ]
    list(op = r$op, lhs = r$lhs, rhs = r$rhs, group = r$group)
  }
  lapply(seq_len(nrow(st)), function(i) {
    a <- describe(st$lhs[i])
    b <- describe(st$rhs[i])
    parameter <- if (a$op == "=~") "loading" else if (a$op == "~1") "intercept" else a$op
    item <- if (a$op == "=~") a$rhs else a$lhs
    list(constraint = paste(st$lhs[i], "==", st$rhs[i]), item = item, parameter = parameter,
         group_a = a$group, group_b = b$group, X2 = st$X2[i], p_value = st$p.value[i])
  })
}

partial_syntax <- function(tests, parameter) {
  pick <- Filter(function(t) t$parameter == parameter, tests)
  top <- pick[[which.max(vapply(pick, function(t) t$X2, 0))]]
  m <- models[models$item == top$item, ][1, ]
  if (parameter == "loading") paste0(m$factor, " =~ ", top$item) else paste0(top$item, " ~ 1")
}

# --- single-group CFA ------------------------------------------------------------------
for (name in c("cfa12_weak", "inv21")) {
  d <- read_data(name)
  fit <- cfa(model_syntax(name), data = d)
  write_json(list(dataset = name, lavaan_version = as.character(packageVersion("lavaan")),
                  cfa = cfa_result(fit)),
             paste0(name, ".cfa.lavaan.json"))
}

# --- measurement invariance -------------------------------------------------------------
invariance_reference <- function(name, d, s) {
  conf <- cfa(s, data = d, group = "group")
  met <- cfa(s, data = d, group = "group", group.equal = "loadings")
  sca <- cfa(s, data = d, group = "group", group.equal = c("loadings", "intercepts"))
  score_met <- score_tests(met)
  score_sca <- score_tests(sca)
  free_loading <- partial_syntax(score_met, "loading")
  free_intercept <- partial_syntax(score_sca, "intercept")
  met_p <- cfa(s, data = d, group = "group", group.equal = "loadings",
               group.partial = free_loading)
  sca_p <- cfa(s, data = d, group = "group", group.equal = c("loadings", "intercepts"),
               group.partial = free_intercept)
  list(
    dataset = name, lavaan_version = as.character(packageVersion("lavaan")),
    groups = as.list(lavInspect(conf, "group.label")),
    configural = fit_list(conf), metric = fit_list(met), scalar = fit_list(sca),
    score_metric = score_met, score_scalar = score_sca,
    partial_metric = list(group_partial = free_loading, fit = fit_list(met_p)),
    partial_scalar = list(group_partial = free_intercept, fit = fit_list(sca_p)))
}

for (name in c("inv21", "inv12_shift", "inv12_loading")) {
  write_json(invariance_reference(name, read_data(name), model_syntax(name)),
             paste0(name, ".invariance.lavaan.json"))
}

# three groups: group B of inv12_loading split in two (rows 201-400 of B become "C"), so
# constraints tie groups 2 and 3 to group 1 separately
d <- read_data("inv12_loading")
d$group[d$group == "B"][201:400] <- "C"
write_json(invariance_reference("inv12_loading3", d, model_syntax("inv12_loading")),
           "inv12_loading3.invariance.lavaan.json")

# --- ordinal logistic DIF (MASS::polr, the models lordif compares) -----------------------
d <- read_data("dif10")
items <- setdiff(names(d), "group")
group <- factor(d$group)
total <- rowSums(d[, items])
dif_items <- lapply(items, function(it) {
  y <- factor(d[[it]], ordered = TRUE)
  out <- list(item = it)
  for (matching in c("total", "rest")) {
    x <- if (matching == "total") total else total - d[[it]]
    counts <- table(y)
    ll0 <- sum(counts * log(counts / sum(counts)))
    m1 <- polr(y ~ x, method = "logistic", control = list(reltol = 1e-14, maxit = 5000))
    m2 <- polr(y ~ x + group, method = "logistic", control = list(reltol = 1e-14, maxit = 5000))
    m3 <- polr(y ~ x * group, method = "logistic", control = list(reltol = 1e-14, maxit = 5000))
    ll <- c(as.numeric(logLik(m1)), as.numeric(logLik(m2)), as.numeric(logLik(m3)))
    out[[matching]] <- list(
      ll0 = ll0, ll1 = ll[1], ll2 = ll[2], ll3 = ll[3],
      chi12 = 2 * (ll[2] - ll[1]), chi13 = 2 * (ll[3] - ll[1]), chi23 = 2 * (ll[3] - ll[2]),
      beta1_m1 = unname(coef(m1)["x"]), beta1_m2 = unname(coef(m2)["x"]),
      beta_group_m2 = unname(coef(m2)[2]))
  }
  out
})
write_json(list(dataset = "dif10", mass_version = as.character(packageVersion("MASS")),
                items = dif_items), "dif10.polr.json")
