# Reference for relscale's partial-invariance procedure (issue 20), computed with lavaan
# 0.6 on data made here:
#
#     Rscript tests/reference/procedure_reference.R
#
# writes tests/data/analysis/procedure_first.csv and procedure_marker.csv (the data) and
# procedure_first.json, procedure_marker.json (lavaan's path through them). The JSON and
# CSV files are committed, so the Python tests never need R.
#
# procedure_first: two groups of 5-point items; the non-invariant group ("foster") comes
#   FIRST in the file, so it is lavaan's reference group. Planted in "foster": a weak
#   loading of p03 (.30 instead of .75), an intercept shift of p07 (+.6 on the latent
#   response) and a lower closeness mean (-.3).
# procedure_marker: three groups; in the middle one ("g2") the first item of closeness
#   (p01, the marker under lavaan's default identification) loads .30 instead of .75.
#
# The procedure, written here with lavaan only: levels configural -> metric -> scalar
# (-> strict) with std.lv = TRUE; each level against the last one that held; while the
# criterion rejects (both: lavTestLRT p < .05 or Chen 2007), free the parameter (in all
# groups, group.partial) whose constraints have the largest joint score test
# (lavTestScore(fit, release = its rows)$test), if that test is significant at
# alpha / (n - k) (Holm; n constraints of the level, k freed so far), never more than
# half of the level's constraints and keeping two constrained items per factor. An item
# whose loading was freed has its intercept freed in the scalar model too (an equal
# intercept under unequal loadings depends on which group is the reference).

suppressPackageStartupMessages(library(lavaan))

script_path <- sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))
data_dir <- normalizePath(file.path(dirname(script_path), "..", "data", "analysis"))

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

ITEMS <- sprintf("p%02d", 1:12)
FACTORS <- rep(c("closeness", "conflict", "dependency"), each = 4)
MODEL <- paste(vapply(unique(FACTORS), function(f)
  paste0(f, " =~ ", paste(ITEMS[FACTORS == f], collapse = " + ")), ""), collapse = "\n")
CUTS <- c(-1.5, -0.5, 0.5, 1.5)

simulate_group <- function(n, lam, nu, mean) {
  phi <- matrix(c(1, -.4, .3, -.4, 1, .2, .3, .2, 1), 3)
  eta <- matrix(rnorm(n * 3), n) %*% chol(phi)
  eta <- sweep(eta, 2, mean, "+")
  f <- rep(1:3, each = 4)
  ystar <- sweep(eta[, f] * rep(lam, each = n), 2, nu, "+") +
    matrix(rnorm(n * 12), n) * rep(sqrt(1 - lam^2), each = n)
  y <- matrix(findInterval(ystar, CUTS) + 1L, n)
  colnames(y) <- ITEMS
  y
}

set.seed(20)
lam <- rep(.75, 12)
nu <- rep(0, 12)
lam_f <- lam; lam_f[3] <- .30
nu_f <- nu; nu_f[7] <- .6
first <- rbind(
  data.frame(group = "foster", simulate_group(500, lam_f, nu_f, c(-.3, 0, 0))),
  data.frame(group = "school", simulate_group(500, lam, nu, c(0, 0, 0))))
write.csv(first, file.path(data_dir, "procedure_first.csv"), row.names = FALSE, quote = FALSE)

lam_m <- lam; lam_m[1] <- .30
marker <- rbind(
  data.frame(group = "g1", simulate_group(300, lam, nu, c(0, 0, 0))),
  data.frame(group = "g2", simulate_group(300, lam_m, nu, c(.2, 0, 0))),
  data.frame(group = "g3", simulate_group(300, lam, nu, c(0, .2, 0))))
write.csv(marker, file.path(data_dir, "procedure_marker.csv"), row.names = FALSE,
          quote = FALSE)

FIT <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")
fit_list <- function(fit) {
  fm <- fitMeasures(fit, FIT)
  out <- as.list(as.numeric(fm))
  names(out) <- FIT
  out
}

EQUAL <- list(configural = character(0), metric = "loadings",
              scalar = c("loadings", "intercepts"),
              strict = c("loadings", "intercepts", "residuals"))
KIND <- c(metric = "loading", scalar = "intercept", strict = "residual")
SRMR_CUT <- c(metric = .030, scalar = .010, strict = .010)

fit_level <- function(d, level, partial, std.lv) {
  eq <- EQUAL[[level]]
  if (length(eq) == 0) eq <- ""
  cfa(MODEL, data = d, group = "group", std.lv = std.lv, group.equal = eq,
      group.partial = if (length(partial)) partial else "")
}

# (item, parameter) of each "==" row of a fit, in lavaan's order
constraint_rows <- function(fit) {
  pt <- parTable(fit)
  eq <- pt[pt$op == "==", ]
  lapply(seq_len(nrow(eq)), function(i) {
    a <- pt[pt$plabel == eq$lhs[i], ]
    parameter <- switch(a$op, "=~" = "loading", "~1" = "intercept", "~~" = "residual")
    item <- if (a$op == "=~") a$rhs else a$lhs
    list(item = item, parameter = parameter)
  })
}

syntax_of <- function(item, parameter) {
  switch(parameter,
         loading = paste0(FACTORS[ITEMS == item], " =~ ", item),
         intercept = paste0(item, " ~ 1"),
         residual = paste0(item, " ~~ ", item))
}

joint_tests <- function(fit, kind) {
  rows <- constraint_rows(fit)
  keys <- unique(vapply(Filter(function(r) r$parameter == kind, rows),
                        function(r) r$item, ""))
  lapply(keys, function(item) {
    idx <- which(vapply(rows, function(r) r$item == item && r$parameter == kind, TRUE))
    t <- lavTestScore(fit, release = idx, univariate = FALSE)$test
    list(item = item, parameter = kind, X2 = t$X2, df = t$df, p_value = t$p.value)
  })
}

judge <- function(cur, base, level) {
  lrt <- lavTestLRT(cur, base)
  fc <- fitMeasures(cur, c("cfi", "rmsea", "srmr"))
  fb <- fitMeasures(base, c("cfi", "rmsea", "srmr"))
  d <- as.numeric(fc - fb)
  chen_ok <- !(d[1] <= -.010 && (d[2] >= .015 || d[3] >= SRMR_CUT[[level]]))
  p <- lrt[["Pr(>Chisq)"]][2]
  list(delta_chisq = lrt[["Chisq diff"]][2], delta_df = lrt[["Df diff"]][2], p_value = p,
       delta_cfi = d[1], delta_rmsea = d[2], delta_srmr = d[3], chen_ok = chen_ok,
       lrt_ok = p >= .05, holds = chen_ok && p >= .05)
}

per_factor_ok <- function(item, kind, released) {
  if (!(kind %in% c("loading", "intercept"))) return(TRUE)
  members <- ITEMS[FACTORS == FACTORS[ITEMS == item]]
  freed <- c(item, vapply(Filter(function(r) r$parameter == kind, released),
                          function(r) r$item, ""))
  sum(!(members %in% freed)) >= 2
}

ladder <- function(d, levels, std.lv = TRUE, alpha = .05) {
  conf <- fit_level(d, "configural", character(0), std.lv)
  base <- conf
  released <- list()
  models <- list(configural = fit_list(conf))
  outcomes <- list()
  steps <- list()
  final <- conf
  for (level in levels) {
    kind <- KIND[[level]]
    models[[level]] <- fit_list(fit_level(d, level, character(0), std.lv))
    carried <- 0
    if (level == "scalar") {
      # an item with a freed loading has its intercept freed too (an equal intercept under
      # unequal loadings depends on the reference group)
      for (r in Filter(function(r) r$parameter == "loading", released)) {
        released[[length(released) + 1]] <- list(item = r$item, parameter = "intercept")
        carried <- carried + 1
      }
    }
    partial <- vapply(released, function(r) syntax_of(r$item, r$parameter), "")
    cur <- fit_level(d, level, partial, std.lv)
    cmp <- judge(cur, base, level)
    n <- length(joint_tests(cur, kind))
    total <- n + carried
    k <- 0
    reason <- ""
    while (!cmp$holds) {
      tests <- Filter(function(t) per_factor_ok(t$item, kind, released), joint_tests(cur, kind))
      top <- tests[[which.max(vapply(tests, function(t) t$X2, 0))]]
      holm <- alpha / (n - k)
      if (top$p_value >= holm) { reason <- "holm"; break }
      if (carried + k + 1 > total %/% 2) { reason <- "half"; break }
      released[[length(released) + 1]] <- list(item = top$item, parameter = kind)
      k <- k + 1
      partial <- vapply(released, function(r) syntax_of(r$item, r$parameter), "")
      cur <- fit_level(d, level, partial, std.lv)
      cmp <- judge(cur, base, level)
      steps[[length(steps) + 1]] <- list(
        level = level, item = top$item, parameter = kind, X2 = top$X2, df = top$df,
        p_value = top$p_value, holm_alpha = holm, candidates = tests,
        fit = fit_list(cur), comparison = cmp, group_partial = partial)
    }
    outcomes[[length(outcomes) + 1]] <- list(level = level, holds = cmp$holds,
                                             reason = reason, comparison = cmp)
    if (!cmp$holds) break
    base <- cur
    final <- cur
  }
  pe <- parameterEstimates(final)
  lv <- unique(FACTORS)
  groups <- lavInspect(final, "group.label")
  latent <- list()
  for (g in seq_along(groups)) for (f in lv) {
    m <- pe[pe$op == "~1" & pe$lhs == f & pe$group == g, ]
    v <- pe[pe$op == "~~" & pe$lhs == f & pe$rhs == f & pe$group == g, ]
    latent[[length(latent) + 1]] <- list(
      group = groups[g], factor = f, mean = m$est, mean_se = if (m$se > 0) m$se else NULL,
      variance = v$est, variance_se = if (v$se > 0) v$se else NULL)
  }
  list(groups = as.list(groups), models = models, outcomes = outcomes, steps = steps,
       released = released, final_fit = fit_list(final), latent = latent)
}

d <- read.csv(file.path(data_dir, "procedure_first.csv"))
out <- ladder(d, c("metric", "scalar", "strict"))
met <- fit_level(d, "metric", character(0), TRUE)
out$score_metric_joint <- joint_tests(met, "loading")
# the reason for carrying the intercept: without it, the partial scalar model depends on
# which group is the reference
rev <- d
rev$group <- factor(rev$group, levels = c("school", "foster"))
rev <- rev[order(rev$group), ]
rev$group <- as.character(rev$group)
out$order_dependence <- list(
  without_intercept = c(
    fitMeasures(fit_level(d, "scalar", "closeness =~ p03", TRUE), "chisq"),
    fitMeasures(fit_level(rev, "scalar", "closeness =~ p03", TRUE), "chisq")),
  with_intercept = c(
    fitMeasures(fit_level(d, "scalar", c("closeness =~ p03", "p03 ~ 1"), TRUE), "chisq"),
    fitMeasures(fit_level(rev, "scalar", c("closeness =~ p03", "p03 ~ 1"), TRUE), "chisq")))
write_json(c(list(dataset = "procedure_first",
                  lavaan_version = as.character(packageVersion("lavaan"))), out),
           "procedure_first.json")

d <- read.csv(file.path(data_dir, "procedure_marker.csv"))
out <- ladder(d, c("metric", "scalar"))
# under lavaan's default (marker) identification the marker's loading has no constraint;
# the std.lv metric model (the same model) gives it one: its joint test is the largest
met_std <- fit_level(d, "metric", character(0), TRUE)
met_marker <- fit_level(d, "metric", character(0), FALSE)
out$marker_metric <- fit_list(met_marker)
out$std_lv_metric_joint <- joint_tests(met_std, "loading")
out$marker_metric_joint <- joint_tests(met_marker, "loading")
write_json(c(list(dataset = "procedure_marker",
                  lavaan_version = as.character(packageVersion("lavaan"))), out),
           "procedure_marker.json")
