# Reference results for relscale's ML extensions (issue 20, branch stats-ml): full-information
# ML with missing answers (lavaan's missing = "ml"), MLR (Yuan-Bentler scaled chi-square,
# robust CFI/TLI/RMSEA, sandwich standard errors), cluster-robust MLR (cluster =), the
# Satorra-Bentler (2001) scaled difference test, and convergence at small N (a Heywood case).
#
#     Rscript tests/reference/lavaan_robust_reference.R
#
# makes three seeded data sets and writes them, with lavaan 0.6-14's results, into
# tests/data/analysis/ (ml_*.csv, ml_*.lavaan.json). Both are committed, so the Python
# tests (tests/test_analysis_robust.py) never need R.
#
# - ml_missing2: two groups (A 320, B 280), 10 five-point items on two factors
#   (closeness m01-m05, conflict m06-m10); B has a lower closeness mean and the intercept
#   of m04 shifted up; the model leaves out a shared residual (m02, m03) and a cross-loading
#   (m08 on closeness), so the fit is not perfect; closeness answers pile up at the top and
#   conflict answers at the bottom (skewed, so MLR's correction matters); then 8% of the
#   cells are set missing completely at random.
# - ml_cluster: 45 teachers, each rating 20-30 children on 8 five-point items (closeness
#   c01-c04, conflict c05-c08); children of one teacher share a teacher effect on both
#   factors (ICC about .2) and a teacher-specific rating bias per item; c06 and c07 share a
#   residual the model leaves out. The teacher's school type is the group (regular /
#   special). ml_cluster_gaps: the same with 6% of the answers missing.
# - ml_small15: a group of 15 ("small") and one of 300 ("large") on 6 five-point items of
#   one factor; the seed is the first one for which lavaan's fit of the small group alone
#   converges to an improper solution (a negative residual variance).
# - ml_small_hard: eleven samples of 15 on which Fisher scoring alone did not get where
#   lavaan gets (see the end of this script).

suppressPackageStartupMessages(library(lavaan))

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

write_data <- function(d, name) {
  path <- file.path(data_dir, name)
  write.csv(d, path, row.names = FALSE, na = "NA", quote = FALSE)
  cat("wrote", path, "\n")
}

likert <- function(ystar, cuts = c(-1.5, -0.5, 0.5, 1.5)) {
  as.integer(findInterval(ystar, cuts) + 1L)
}

# --- what is recorded of a fit ------------------------------------------------------------
FIT_MEASURES <- c(
  "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "rmsea.ci.lower", "rmsea.ci.upper", "srmr",
  "baseline.chisq", "baseline.df", "ntotal",
  "chisq.scaled", "df.scaled", "pvalue.scaled", "chisq.scaling.factor",
  "baseline.chisq.scaled", "baseline.chisq.scaling.factor",
  "cfi.scaled", "tli.scaled", "rmsea.scaled", "rmsea.ci.lower.scaled", "rmsea.ci.upper.scaled",
  "cfi.robust", "tli.robust", "rmsea.robust", "rmsea.ci.lower.robust", "rmsea.ci.upper.robust")

fit_list <- function(fit) {
  fm <- suppressWarnings(fitMeasures(fit))
  out <- lapply(FIT_MEASURES, function(k) if (k %in% names(fm)) unname(fm[[k]]) else NULL)
  names(out) <- gsub(".", "_", FIT_MEASURES, fixed = TRUE)
  out[vapply(out, is.null, TRUE)] <- NULL
  out
}

params <- function(fit) {
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  if (is.null(pe$group)) pe$group <- 1L
  if (is.null(ss$group)) ss$group <- 1L
  keep <- which(pe$op %in% c("=~", "~~", "~1"))
  lapply(keep, function(i) {
    j <- which(ss$lhs == pe$lhs[i] & ss$op == pe$op[i] & ss$rhs == pe$rhs[i] &
               ss$group == pe$group[i])
    list(lhs = pe$lhs[i], op = pe$op[i], rhs = pe$rhs[i], group = pe$group[i],
         est = pe$est[i], se = pe$se[i], est_std = ss$est.std[j], se_std = ss$se[j])
  })
}

score_tests <- function(fit) {
  st <- suppressWarnings(lavTestScore(fit))$uni
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
    list(item = item, parameter = parameter, group_a = a$group, group_b = b$group,
         X2 = st$X2[i], p_value = st$p.value[i])
  })
}

record <- function(fit, scores = FALSE) {
  out <- list(
    converged = lavInspect(fit, "converged"),
    iterations = lavInspect(fit, "iterations"),
    nobs = as.list(lavInspect(fit, "nobs")),
    groups = as.list(lavInspect(fit, "group.label")),
    estimator = lavInspect(fit, "options")$estimator,
    test = lavInspect(fit, "options")$test,
    se = lavInspect(fit, "options")$se,
    information = lavInspect(fit, "options")$information[1],
    meanstructure = lavInspect(fit, "meanstructure"),
    fit = fit_list(fit),
    params = params(fit))
  if (scores) out$score_tests <- score_tests(fit)
  out
}

lrt <- function(restricted, free, method) {
  t <- suppressWarnings(lavTestLRT(free, restricted, method = method))
  list(method = method, chisq_diff = t[["Chisq diff"]][2], df_diff = t[["Df diff"]][2],
       p_value = t[["Pr(>Chisq)"]][2])
}

syntax <- function(factors) {
  paste(vapply(names(factors), function(f)
    paste0(f, " =~ ", paste(factors[[f]], collapse = " + ")), ""), collapse = "\n")
}

ladder <- function(d, s, ..., scores = TRUE, lrt_method = "default") {
  conf <- cfa(s, data = d, group = "group", ...)
  met <- cfa(s, data = d, group = "group", group.equal = "loadings", ...)
  sca <- cfa(s, data = d, group = "group", group.equal = c("loadings", "intercepts"), ...)
  list(configural = record(conf), metric = record(met, scores), scalar = record(sca, scores),
       metric_vs_configural = lrt(met, conf, lrt_method),
       scalar_vs_metric = lrt(sca, met, lrt_method))
}

# --- ml_missing2: two groups, 8% missing cells (MCAR) --------------------------------------
make_missing2 <- function() {
  set.seed(20201)
  f2 <- list(closeness = sprintf("m%02d", 1:5), conflict = sprintf("m%02d", 6:10))
  lam <- c(.75, .70, .65, .60, .55, .72, .68, .62, .58, .50)
  one <- function(n, label, mean_close, shift) {
    phi <- matrix(c(1, -.4, -.4, 1), 2)
    eta <- MASS::mvrnorm(n, c(mean_close, 0), phi)
    f <- c(rep(1, 5), rep(2, 5))
    ystar <- sapply(1:10, function(j) lam[j] * eta[, f[j]] + sqrt(1 - lam[j]^2) * rnorm(n))
    # misfit the model leaves out: m02 and m03 share a residual, m08 also loads on closeness
    w <- rnorm(n)
    ystar[, 2:3] <- ystar[, 2:3] + .35 * w
    ystar[, 8] <- ystar[, 8] - .30 * eta[, 1]
    ystar[, 4] <- ystar[, 4] + shift
    ystar <- sweep(ystar, 2, c(.9, .8, 1.0, .7, .8, -1.0, -.9, -1.1, -.8, -.9), "+")
    x <- apply(ystar, 2, likert)
    colnames(x) <- unlist(f2)
    data.frame(group = label, x)
  }
  d <- rbind(one(320, "A", 0, 0), one(280, "B", -.3, .5))
  items <- unlist(f2)
  repeat {
    miss <- matrix(runif(nrow(d) * 10) < .08, nrow(d))
    if (all(rowSums(miss) < 10)) break
  }
  for (j in seq_along(items)) d[miss[, j], items[j]] <- NA
  list(data = d, factors = f2)
}

# --- ml_cluster: children nested in teachers -----------------------------------------------
make_cluster <- function() {
  set.seed(20202)
  f2 <- list(closeness = sprintf("c%02d", 1:4), conflict = sprintf("c%02d", 5:8))
  lam <- c(.75, .70, .65, .60, .72, .66, .60, .55)
  n_teachers <- 45
  sizes <- sample(20:30, n_teachers, replace = TRUE)
  rows <- list()
  for (t in seq_len(n_teachers)) {
    n <- sizes[t]
    u <- MASS::mvrnorm(1, c(0, 0), matrix(c(.25, -.08, -.08, .25), 2))
    bias <- rnorm(8, 0, .3)
    eta <- MASS::mvrnorm(n, c(0, 0), matrix(c(1, -.4, -.4, 1), 2))
    eta <- sweep(eta, 2, u, "+")
    f <- c(rep(1, 4), rep(2, 4))
    ystar <- sapply(1:8, function(j)
      lam[j] * eta[, f[j]] + bias[j] + sqrt(1 - lam[j]^2) * rnorm(n))
    w <- rnorm(n)  # misfit the model leaves out: c06 and c07 share a residual
    ystar[, 6:7] <- ystar[, 6:7] + .35 * w
    ystar <- sweep(ystar, 2, c(.9, .8, 1.0, .7, -1.0, -.9, -1.1, -.8), "+")
    x <- apply(ystar, 2, likert)
    colnames(x) <- unlist(f2)
    rows[[t]] <- data.frame(group = if (t <= 23) "regular" else "special",
                            teacher = sprintf("T%02d", t), x)
  }
  list(data = do.call(rbind, rows), factors = f2)
}

# --- ml_small15: a group of 15 with an improper solution ------------------------------------
make_small <- function() {
  f1 <- list(closeness = sprintf("h%02d", 1:6))
  lam <- c(.85, .80, .75, .70, .65, .60)
  gen <- function(n, label) {
    eta <- rnorm(n)
    ystar <- sapply(1:6, function(j) lam[j] * eta + sqrt(1 - lam[j]^2) * rnorm(n))
    x <- apply(ystar, 2, likert)
    colnames(x) <- unlist(f1)
    data.frame(group = label, x)
  }
  for (seed in 20203:20400) {
    set.seed(seed)
    small <- gen(15, "small")
    fit <- try(suppressWarnings(cfa(syntax(f1), data = small)), silent = TRUE)
    if (inherits(fit, "try-error") || !lavInspect(fit, "converged")) next
    theta <- diag(lavInspect(fit, "est")$theta)
    if (any(theta < 0)) {
      large <- gen(300, "large")
      return(list(data = rbind(large, small), factors = f1, seed = seed))
    }
  }
  stop("no seed gives an improper solution")
}

meta <- function(name, factors) {
  list(dataset = name, lavaan_version = as.character(packageVersion("lavaan")),
       factors = lapply(factors, as.list))
}

# ml_missing2 --------------------------------------------------------------------------
m2 <- make_missing2()
write_data(m2$data, "ml_missing2.csv")
s <- syntax(m2$factors)
dA <- m2$data[m2$data$group == "A", ]
out <- meta("ml_missing2", m2$factors)
out$cfa_fiml_A <- record(cfa(s, data = dA, missing = "ml"))
out$cfa_fiml_mlr_A <- record(cfa(s, data = dA, missing = "ml", estimator = "MLR"))
out$cfa_listwise_mlr_A <- record(cfa(s, data = dA, estimator = "MLR"))
out$fiml_ml <- ladder(m2$data, s, missing = "ml")
out$fiml_mlr <- ladder(m2$data, s, missing = "ml", estimator = "MLR",
                       lrt_method = "satorra.bentler.2001")
out$listwise_mlr <- ladder(m2$data, s, estimator = "MLR", scores = FALSE,
                           lrt_method = "satorra.bentler.2001")
out$fiml_mlr_partial_scalar <- record(cfa(
  s, data = m2$data, group = "group", group.equal = c("loadings", "intercepts"),
  group.partial = "m04 ~ 1", missing = "ml", estimator = "MLR"))
out$listwise_n <- as.list(table(m2$data$group[complete.cases(m2$data)]))
write_json(out, "ml_missing2.lavaan.json")

# ml_cluster ---------------------------------------------------------------------------
cl <- make_cluster()
write_data(cl$data, "ml_cluster.csv")
s <- syntax(cl$factors)
out <- meta("ml_cluster", cl$factors)
out$cfa_ml <- record(cfa(s, data = cl$data))
out$cfa_mlr <- record(cfa(s, data = cl$data, estimator = "MLR"))
out$cfa_mlr_cluster <- record(cfa(s, data = cl$data, estimator = "MLR", cluster = "teacher"))
out$mlr_cluster <- ladder(cl$data, s, estimator = "MLR", cluster = "teacher", scores = FALSE,
                          lrt_method = "satorra.bentler.2001")
# the same children with 6% of the answers missing: FIML with cluster-robust MLR
set.seed(20205)
gaps <- cl$data
for (v in unlist(cl$factors)) gaps[runif(nrow(gaps)) < .06, v] <- NA
gaps <- gaps[rowSums(!is.na(gaps[, unlist(cl$factors)])) > 0, ]
write_data(gaps, "ml_cluster_gaps.csv")
out$cfa_mlr_cluster_fiml <- record(cfa(s, data = gaps, estimator = "MLR", cluster = "teacher",
                                       missing = "ml"))
out$metric_mlr_cluster_fiml <- record(cfa(s, data = gaps, group = "group",
                                          group.equal = "loadings", estimator = "MLR",
                                          cluster = "teacher", missing = "ml"))
write_json(out, "ml_cluster.lavaan.json")

# ml_small15 ---------------------------------------------------------------------------
sm <- make_small()
write_data(sm$data, "ml_small15.csv")
s <- syntax(sm$factors)
out <- meta("ml_small15", sm$factors)
out$seed <- sm$seed
out$cfa_small <- record(suppressWarnings(cfa(s, data = sm$data[sm$data$group == "small", ])))
out$configural <- record(suppressWarnings(cfa(s, data = sm$data, group = "group")))
write_json(out, "ml_small15.lavaan.json")

# ml_small_hard: samples of 15 (six five-point items, one factor) on which Fisher scoring
# alone stalled or wandered off before relscale took Newton steps and lavaan's starting
# values (seeds found by fitting 300 such samples; lavaan converges on all of these).
hard_seeds <- c(5, 86, 107, 115, 119, 123, 181, 246, 252, 262, 276)
f1 <- list(closeness = sprintf("h%02d", 1:6))
rows <- list()
fits <- list()
for (seed in hard_seeds) {
  set.seed(seed)
  lam <- c(.85, .80, .75, .70, .65, .60)
  eta <- rnorm(15)
  y <- sapply(1:6, function(j) likert(lam[j] * eta + sqrt(1 - lam[j]^2) * rnorm(15)))
  colnames(y) <- unlist(f1)
  d <- data.frame(group = sprintf("s%03d", seed), y)
  rows[[length(rows) + 1]] <- d
  fits[[length(fits) + 1]] <- c(list(sample = sprintf("s%03d", seed)),
                                record(suppressWarnings(cfa(syntax(f1), data = d))))
}
write_data(do.call(rbind, rows), "ml_small_hard.csv")
out <- meta("ml_small_hard", f1)
out$fits <- fits
write_json(out, "ml_small_hard.lavaan.json")
