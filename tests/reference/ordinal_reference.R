# Reference results for relscale's ordinal estimator (wlsmv), computed with lavaan 0.6-14,
# semTools 0.5-6 and psych on seeded ordinal data sets this script makes:
#
#   ordinal3  three groups (A 600, B 550, C 500), 21 three-point items on three factors, with
#             a planted weak loading (i05 in group B: .30 instead of .60) and a planted
#             threshold shift (both thresholds of i12 in group C moved up by .60);
#   ordinal4  two groups (A 350, B 300), 10 four-point items on two factors, with the third
#             threshold of o03 in group B moved up by .50 (testable threshold invariance)
#             and an unmodelled cross-loading of o06 (misfit, so the indices are not at
#             their bounds);
#   ordinal5  one group (N 400), 8 five-point items on one factor with an unmodelled
#             residual correlation of p07 and p08 (single-group CFA, the full asymptotic
#             covariance matrix, ordinal alpha and categorical omega with a bootstrap).
#
#     Rscript tests/reference/ordinal_reference.R
#
# writes tests/data/analysis/ordinal{3,4,4m,5}.csv and ordinal{3,4,4m,5}.wlsmv.json
# (ordinal4m: ordinal4 with 6% of the answers missing, fitted with missing = "pairwise").
# The JSON files are committed, so the Python tests never need R (about 10 minutes). Every model is lavaan's
# cfa(..., ordered = TRUE, estimator = "WLSMV"); the invariance models are semTools'
# measEq.syntax(ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016", parameterization =
# "delta"), except strict (residual variances), which semTools builds only with
# parameterization = "theta" (Wu & Estabrook's strict model: residual variances 1 in every
# group).
#
# Two additions to plain lavaan output, both marked in the JSON:
# - "robust_fixed": lavaan 0.6-14 gives NA for cfi.robust / tli.robust / rmsea.robust as soon
#   as thresholds are constrained equal (lavaan issue #386: the cat-ML refit keeps "=="
#   rows that point at the threshold rows it removed). We recompute them with those orphan
#   rows dropped and nothing else changed (lav_object_catml patched below).
# - score tests of intercepts (scalar) and residual variances (strict): lavTestScore only
#   tests "==" rows, and semTools fixes these parameters (to 0 and 1) instead of equating
#   them, so we refit the same model with the parameters of groups 2..G free and "== 0"
#   ("== 1") constraints: same fit, and lavTestScore then tests them.

suppressPackageStartupMessages({
  library(lavaan)
  library(semTools)
  library(psych)
  library(MASS)
})

script_path <- sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))
data_dir <- normalizePath(file.path(dirname(script_path), "..", "data", "analysis"))

to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    if (is.null(names(x)) && all(vapply(x, function(v) is.atomic(v) && length(v) == 1, TRUE)))
      return(paste0("[", paste(vapply(x, function(v) to_json(v, inner), ""), collapse = ", "),
                    "]"))
    if (!is.null(names(x))) {
      parts <- mapply(function(k, v) paste0(inner, "\"", k, "\": ", to_json(v, inner)),
                      names(x), x)
      return(paste0("{\n", paste(parts, collapse = ",\n"), "\n", indent, "}"))
    }
    parts <- vapply(x, function(v) paste0(inner, to_json(v, inner)), "")
    return(paste0("[\n", paste(parts, collapse = ",\n"), "\n", indent, "]"))
  }
  if (length(x) != 1) {
    if (length(x) > 0 && (is.numeric(x) || is.character(x) || is.logical(x)))
      return(paste0("[", paste(vapply(x, function(v) to_json(v, inner), ""), collapse = ", "),
                    "]"))
    return(to_json(as.list(unname(x)), indent))
  }
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

# ---------------------------------------------------------------------------- data sets

simulate <- function(seed, ns, items, factor_of, loadings, thresholds, alpha, psi_sd,
                     factor_cor, change, nuisance = NULL) {
  set.seed(seed)
  p <- length(items)
  m <- max(factor_of)
  out <- list()
  for (g in seq_along(ns)) {
    lam <- loadings
    th <- thresholds
    ch <- change(g, lam, th)
    lam <- ch$lam
    th <- ch$th
    R <- matrix(factor_cor, m, m)
    diag(R) <- 1
    Psi <- diag(psi_sd[[g]], m) %*% R %*% diag(psi_sd[[g]], m)
    eta <- mvrnorm(ns[g], alpha[[g]], Psi)
    eta <- matrix(eta, ns[g], m)
    shared <- rnorm(ns[g])
    y <- matrix(0L, ns[g], p)
    for (j in seq_len(p)) {
      ystar <- lam[j] * eta[, factor_of[j]] + rnorm(ns[g], 0, sqrt(1 - loadings[j]^2))
      if (!is.null(nuisance) && !is.null(nuisance[[items[j]]]))
        ystar <- ystar + nuisance[[items[j]]](eta, shared)
      y[, j] <- 1L + rowSums(outer(ystar, th[j, ], ">"))
    }
    d <- as.data.frame(y)
    names(d) <- items
    out[[g]] <- cbind(group = LETTERS[g], d, stringsAsFactors = FALSE)
  }
  do.call(rbind, out)
}

items3 <- sprintf("i%02d", 1:21)
factors3 <- c("closeness", "conflict", "dependency")
fof3 <- rep(1:3, each = 7)
dat3 <- simulate(
  20, c(600, 550, 500), items3, fof3,
  loadings = rep(c(0.75, 0.7, 0.65, 0.7, 0.6, 0.72, 0.68), 3),
  thresholds = cbind(rep(c(-0.8, -0.5, -1, -0.6, -0.7, -0.9, -0.4), 3),
                     rep(c(0.6, 0.8, 0.5, 0.9, 0.4, 0.7, 0.6), 3)),
  alpha = list(c(0, 0, 0), c(0.3, -0.2, 0.1), c(-0.2, 0.2, 0)),
  psi_sd = list(c(1, 1, 1), sqrt(c(1.2, 1, 0.9)), sqrt(c(0.8, 1.1, 1))),
  factor_cor = 0.4,
  change = function(g, lam, th) {
    if (g == 2) lam[5] <- 0.3
    if (g == 3) th[12, ] <- th[12, ] + 0.6
    list(lam = lam, th = th)
  })

items4 <- sprintf("o%02d", 1:10)
factors4 <- c("warmth", "autonomy")
fof4 <- rep(1:2, each = 5)
dat4 <- simulate(
  4, c(350, 300), items4, fof4,
  loadings = c(0.7, 0.65, 0.75, 0.6, 0.7, 0.72, 0.6, 0.68, 0.74, 0.66),
  thresholds = cbind(c(-1.2, -1, -1.3, -0.9, -1.1, -1.2, -1, -1.1, -1.3, -0.9),
                     c(-0.2, 0, -0.3, 0.1, -0.1, -0.2, 0.1, 0, -0.2, 0.2),
                     c(0.8, 1, 0.7, 1.1, 0.9, 0.8, 1, 0.9, 0.7, 1.2)),
  alpha = list(c(0, 0), c(0.25, -0.15)),
  psi_sd = list(c(1, 1), c(1.1, 0.9)),
  factor_cor = 0.3,
  change = function(g, lam, th) {
    if (g == 2) th[3, 3] <- th[3, 3] + 0.5
    list(lam = lam, th = th)
  },
  nuisance = list(o06 = function(eta, shared) 0.35 * eta[, 1]))

items5 <- sprintf("p%02d", 1:8)
factors5 <- c("closeness")
fof5 <- rep(1, 8)
dat5 <- simulate(
  5, 400, items5, fof5,
  loadings = c(0.8, 0.7, 0.75, 0.6, 0.65, 0.7, 0.55, 0.72),
  thresholds = cbind(rep(-1.5, 8), rep(-0.6, 8), rep(0.2, 8), c(1, 1.1, 0.9, 1.2, 1, 0.8, 1.1, 1)),
  alpha = list(0), psi_sd = list(1), factor_cor = 0,
  change = function(g, lam, th) list(lam = lam, th = th),
  nuisance = list(p07 = function(eta, shared) 0.5 * shared,
                  p08 = function(eta, shared) 0.5 * shared))
dat5$group <- NULL

# ordinal4 with 6% of the answers missing completely at random (missing = "pairwise")
set.seed(44)
dat4m <- dat4
cells <- as.matrix(dat4m[, items4])
cells[runif(length(cells)) < 0.06] <- NA
dat4m[, items4] <- cells

write.csv(dat3, file.path(data_dir, "ordinal3.csv"), row.names = FALSE, quote = FALSE)
write.csv(dat4, file.path(data_dir, "ordinal4.csv"), row.names = FALSE, quote = FALSE)
write.csv(dat5, file.path(data_dir, "ordinal5.csv"), row.names = FALSE, quote = FALSE)
write.csv(dat4m, file.path(data_dir, "ordinal4m.csv"), row.names = FALSE, quote = FALSE,
          na = "NA")

syntax_of <- function(items, factors, fof) {
  paste(vapply(seq_along(factors), function(f)
    paste0(factors[f], " =~ ", paste(items[fof == f], collapse = " + ")), ""), collapse = "\n")
}

# ------------------------------------------------------------------------- extraction

FIT_MEASURES <- c("chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
                  "chisq.scaling.factor", "baseline.chisq", "baseline.df",
                  "baseline.chisq.scaled", "baseline.chisq.scaling.factor", "cfi", "tli",
                  "cfi.scaled", "tli.scaled", "cfi.robust", "tli.robust", "rmsea",
                  "rmsea.scaled", "rmsea.robust", "srmr", "ntotal")

fit_list <- function(fit) {
  fm <- fitMeasures(fit, FIT_MEASURES)
  out <- as.list(as.numeric(fm))
  names(out) <- gsub(".", "_", FIT_MEASURES, fixed = TRUE)
  ss <- lavInspect(fit, "test")$scaled.shifted
  out$shift <- ss$shift.parameter
  out$converged <- lavInspect(fit, "converged")
  out
}

# lavaan issue #386: drop the "==" rows that refer to removed threshold/intercept rows.
catml_fixed <- function(lavobject = NULL) {
  lavdata <- lavobject@Data
  lavsamplestats <- lavobject@SampleStats
  lavoptions <- lavobject@Options
  pt <- parTable(lavobject)
  rm.idx <- which(pt$op %in% c("|", "~1"))
  gone <- pt$plabel[rm.idx]
  pt <- pt[-rm.idx, ]
  orphan <- which(pt$op == "==" & (pt$lhs %in% gone | pt$rhs %in% gone))
  if (length(orphan) > 0L) pt <- pt[-orphan, ]
  pt <- lavaan:::lav_partable_complete(pt)
  for (g in seq_len(lavdata@ngroups)) {
    lavsamplestats@WLS.V[[g]] <- NULL
    lavsamplestats@WLS.VD[[g]] <- NULL
    out <- lavaan:::lav_samplestats_icov(COV = lavsamplestats@cov[[g]], ridge = 1e-05,
                                         x.idx = lavsamplestats@x.idx[[g]],
                                         ngroups = lavdata@ngroups, g = g, warn = FALSE)
    lavsamplestats@icov[[g]] <- out$icov
    lavsamplestats@cov.log.det[[g]] <- out$cov.log.det
  }
  lavoptions$estimator <- "catML"
  lavoptions$verbose <- FALSE
  lavoptions$.categorical <- FALSE
  lavoptions$categorical <- FALSE
  lavoptions$correlation <- TRUE
  lavoptions$meanstructure <- FALSE
  lavoptions$conditional.x <- FALSE
  lavoptions$information <- c("expected", "expected")
  lavoptions$h1.information <- c("structured", "structured")
  lavoptions$se <- "none"
  lavoptions$test <- "standard"
  lavoptions$baseline <- TRUE
  lavoptions$optim.method <- "none"
  lavoptions$optim.force.converged <- TRUE
  lavaan(slotParTable = pt, slotSampleStats = lavsamplestats, slotData = lavdata,
         slotOptions = lavoptions)
}
catml_original <- lavaan:::lav_object_catml

robust_fixed <- function(fit) {
  assignInNamespace("lav_object_catml", catml_fixed, "lavaan")
  on.exit(assignInNamespace("lav_object_catml", catml_original, "lavaan"))
  fm <- fitMeasures(fit, c("cfi.robust", "tli.robust", "rmsea.robust"))
  cm <- lavaan:::lav_fit_catml_dwls(fit)
  list(cfi_robust = fm[["cfi.robust"]], tli_robust = fm[["tli.robust"]],
       rmsea_robust = fm[["rmsea.robust"]], catml_chisq = cm$XX3, catml_df = cm$df3,
       c_hat = cm$c.hat3, catml_baseline_chisq = cm$XX3.null, c_hat_baseline = cm$c.hat3.null)
}

group_names <- function(fit) {
  lab <- lavInspect(fit, "group.label")
  if (length(lab) == 0) "sample" else lab
}

param_rows <- function(fit) {
  pe <- parameterEstimates(fit)
  ss <- standardizedSolution(fit)
  labs <- group_names(fit)
  # free parameters only: [lhs, op, rhs, group, est, se, est.std, se of est.std]
  keep <- which(pe$op %in% c("=~", "|", "~1", "~*~", "~~") & pe$se > 0)
  lapply(keep, function(i) {
    std <- ss[ss$lhs == pe$lhs[i] & ss$op == pe$op[i] & ss$rhs == pe$rhs[i] &
                (if (is.null(ss$group)) TRUE else ss$group == pe$group[i]), ]
    list(pe$lhs[i], pe$op[i], pe$rhs[i], labs[if (is.null(pe$group)) 1 else pe$group[i]],
         pe$est[i], pe$se[i], if (nrow(std)) std$est.std[1] else NA,
         if (nrow(std)) std$se[1] else NA)
  })
}

# what a constraint row's label stands for: item, parameter, group
describe_label <- function(fit, label) {
  pt <- parTable(fit)
  labs <- group_names(fit)
  i <- which(pt$plabel == label)
  if (length(i) == 0) i <- which(pt$label == label)
  if (length(i) == 0) return(NULL)
  i <- i[1]
  kind <- switch(pt$op[i], "=~" = "loading", "|" = paste0("threshold:", sub("t", "", pt$rhs[i])),
                 "~1" = "intercept", "~~" = "residual", "~*~" = "scale", pt$op[i])
  item <- if (pt$op[i] == "=~") pt$rhs[i] else pt$lhs[i]
  list(item = item, parameter = kind, group = labs[pt$group[i]])
}

score_list <- function(fit) {
  st <- lavTestScore(fit, warn = FALSE)
  uni <- st$uni
  lapply(seq_len(nrow(uni)), function(r) {
    a <- describe_label(fit, uni$lhs[r])
    b <- describe_label(fit, uni$rhs[r])
    list(a$item, a$parameter, if (is.null(b)) a$group else b$group, uni$X2[r])
  })
}

joint_score <- function(fit, item, parameter) {
  pt <- parTable(fit)
  lhs <- pt$lhs[pt$op == "=="]
  rows <- which(vapply(seq_along(lhs), function(r) {
    a <- describe_label(fit, lhs[r])
    identical(a$item, item) && identical(a$parameter, parameter)
  }, TRUE))
  j <- lavTestScore(fit, release = rows, univariate = FALSE, warn = FALSE)$test
  list(item = item, parameter = parameter, x2 = j$X2, df = j$df)
}

# free a fixed parameter in groups 2..G and tie it to its fixed value with "==" rows
untie <- function(syntax, op_pattern, value) {
  lines <- strsplit(syntax, "\n")[[1]]
  extra <- character(0)
  for (k in seq_along(lines)) {
    ln <- lines[k]
    if (!grepl(op_pattern, ln)) next
    m <- regmatches(ln, regexec("c\\(([^)]*)\\)\\*[^ ]+ \\+ c\\(([^)]*)\\)", ln))[[1]]
    if (length(m) == 0) next
    vals <- trimws(strsplit(m[2], ",")[[1]])
    labs <- trimws(strsplit(m[3], ",")[[1]])
    if (!all(vals == value) || length(unique(labs)) != 1) next
    G <- length(vals)
    newlabs <- paste0(labs, ".g", seq_len(G))
    newvals <- c(value, rep("NA", G - 1))
    ln <- sub(m[2], paste(newvals, collapse = ", "), ln, fixed = TRUE)
    ln <- sub(m[3], paste(newlabs, collapse = ", "), ln, fixed = TRUE)
    lines[k] <- ln
    extra <- c(extra, paste0(newlabs[-1], " == ", value))
  }
  paste(c(lines, extra), collapse = "\n")
}

lrt <- function(free, restricted) {
  out <- lavTestLRT(free, restricted, method = "satorra.2000")
  list(chisq = out[["Chisq diff"]][2], df = out[["Df diff"]][2],
       p_value = out[["Pr(>Chisq)"]][2], a = attr(out, "scale")[2],
       b = attr(out, "shift")[2])
}

EQUAL <- list(configural = "configural", thresholds = "thresholds",
              metric = c("thresholds", "loadings"),
              scalar = c("thresholds", "loadings", "intercepts"),
              strict = c("thresholds", "loadings", "intercepts", "residuals"))

level_syntax <- function(dat, items, model, level, partial = NULL, param = "delta") {
  args <- list(configural.model = model, data = dat, group = "group", ordered = items,
               parameterization = param, ID.fac = "std.lv", ID.cat = "Wu.Estabrook.2016",
               group.equal = EQUAL[[level]])
  if (!is.null(partial)) args$group.partial <- partial
  as.character(do.call(measEq.syntax, args))
}

fit_syntax <- function(syntax, dat, items, param = "delta") {
  cfa(syntax, data = dat, group = "group", ordered = items, estimator = "WLSMV",
      parameterization = param)
}

model_result <- function(fit, scores = FALSE) {
  out <- list(fit = fit_list(fit), robust_fixed = robust_fixed(fit), params = param_rows(fit))
  if (scores) out$score_tests <- score_list(fit)
  out
}

sampstat <- function(fit) {
  ss <- lavInspect(fit, "sampstat", drop.list.single.group = FALSE)
  gamma <- lavInspect(fit, "gamma", drop.list.single.group = FALSE)
  labs <- group_names(fit)
  setNames(lapply(seq_along(ss), function(g) list(
    thresholds = unname(ss[[g]]$th),
    polychoric = lapply(seq_len(nrow(ss[[g]]$cov)), function(i) unname(ss[[g]]$cov[i, ])),
    gamma_diag = unname(diag(gamma[[g]])))), labs)
}

# ----------------------------------------------------------------------- multi-group

invariance_reference <- function(dat, items, factors, fof, partials, joint, releases,
                                 name) {
  model <- syntax_of(items, factors, fof)
  fits <- list()
  res <- list(items = items, factors = factors[fof], groups = unique(dat$group))
  for (level in c("configural", "thresholds", "metric", "scalar")) {
    fits[[level]] <- fit_syntax(level_syntax(dat, items, model, level), dat, items)
    res[[level]] <- model_result(fits[[level]], scores = level != "configural")
  }
  # intercept score tests: the scalar model with nu of groups 2..G free and "== 0"
  syn <- untie(level_syntax(dat, items, model, "scalar"), " ~ c\\(", "0")
  fit_nu <- fit_syntax(syn, dat, items)
  res$scalar$score_tests_untied <- score_list(fit_nu)
  res$scalar$untied_chisq <- fitMeasures(fit_nu, "chisq")[[1]]
  # strict: theta parameterization (and scalar in theta for the difference test)
  fits$scalar_theta <- fit_syntax(level_syntax(dat, items, model, "scalar", param = "theta"),
                                  dat, items, "theta")
  fits$strict <- fit_syntax(level_syntax(dat, items, model, "strict", param = "theta"),
                            dat, items, "theta")
  res$scalar_theta <- list(fit = fit_list(fits$scalar_theta))
  res$strict <- model_result(fits$strict)
  syn <- untie(level_syntax(dat, items, model, "strict", param = "theta"), " ~~ c\\(", "1")
  fit_th <- fit_syntax(syn, dat, items, "theta")
  res$strict$score_tests_untied <- score_list(fit_th)
  res$strict$untied_chisq <- fitMeasures(fit_th, "chisq")[[1]]
  res$lrt <- list(
    thresholds_vs_configural = lrt(fits$configural, fits$thresholds),
    metric_vs_thresholds = lrt(fits$thresholds, fits$metric),
    scalar_vs_metric = lrt(fits$metric, fits$scalar),
    strict_vs_scalar = lrt(fits$scalar_theta, fits$strict))
  res$joint_score_tests <- lapply(joint, function(j) {
    fit <- if (j$level == "scalar_untied") fit_nu else fits[[j$level]]
    c(list(level = j$level), joint_score(fit, j$item, j$parameter))
  })
  res$partial <- lapply(partials, function(pp) {
    fit <- fit_syntax(level_syntax(dat, items, model, pp$level, partial = pp$release),
                      dat, items)
    list(level = pp$level, release = pp$release, released = pp$released,
         result = model_result(fit))
  })
  # freeing one parameter (in all groups): satorra.2000 against the level without it
  res$release_tests <- lapply(releases, function(rr) {
    fit <- fit_syntax(level_syntax(dat, items, model, rr$level, partial = rr$release),
                      dat, items)
    c(list(level = rr$level, item = rr$item, parameter = rr$parameter),
      lrt(fit, fits[[rr$level]]))
  })
  res$sampstat <- sampstat(fits$configural)
  # reliability per group: ordinal alpha (psych) and categorical omega (semTools)
  omega <- compRelSEM(fits$configural, ord.scale = TRUE)
  res$reliability <- lapply(unique(dat$group), function(g) {
    rows <- dat[dat$group == g, items]
    list(group = g, per_factor = lapply(seq_along(factors), function(f) {
      sub <- rows[, items[fof == f]]
      rho <- suppressWarnings(polychoric(sub)$rho)
      list(factor = factors[f], ordinal_alpha = alpha(rho, warnings = FALSE)$total$raw_alpha,
           categorical_omega = omega[omega$group == g, factors[f]])
    }))
  })
  res
}

ref3 <- invariance_reference(
  dat3, items3, factors3, fof3,
  partials = list(
    list(level = "metric", release = "closeness =~ i05",
         released = list(list("i05", "loading"))),
    list(level = "scalar", release = c("closeness =~ i05", "i12 ~ 1"),
         released = list(list("i05", "loading"), list("i12", "intercept")))),
  joint = list(list(level = "metric", item = "i05", parameter = "loading"),
               list(level = "scalar_untied", item = "i12", parameter = "intercept")),
  releases = list(
    list(level = "metric", item = "i05", parameter = "loading", release = "closeness =~ i05"),
    list(level = "metric", item = "i01", parameter = "loading", release = "closeness =~ i01"),
    list(level = "scalar", item = "i12", parameter = "intercept", release = "i12 ~ 1"),
    list(level = "scalar", item = "i03", parameter = "intercept", release = "i03 ~ 1")),
  name = "ordinal3")
write_json(ref3, "ordinal3.wlsmv.json")

ref4 <- invariance_reference(
  dat4, items4, factors4, fof4,
  partials = list(
    list(level = "thresholds", release = "o03 | t3",
         released = list(list("o03", "threshold:3"))),
    list(level = "scalar", release = "o03 | t3",
         released = list(list("o03", "threshold:3")))),
  joint = list(list(level = "thresholds", item = "o03", parameter = "threshold:3")),
  releases = list(
    list(level = "thresholds", item = "o03", parameter = "threshold:3",
         release = "o03 | t3"),
    list(level = "metric", item = "o02", parameter = "loading", release = "warmth =~ o02"),
    list(level = "scalar", item = "o07", parameter = "intercept", release = "o07 ~ 1")),
  name = "ordinal4")
write_json(ref4, "ordinal4.wlsmv.json")

# missing = "pairwise": thresholds per item and correlations per pair from the answers given
model4 <- syntax_of(items4, factors4, fof4)
ref4m <- list(items = items4, factors = factors4[fof4], groups = unique(dat4m$group))
for (level in c("configural", "scalar")) {
  fit <- cfa(level_syntax(dat4m, items4, model4, level), data = dat4m, group = "group",
             ordered = items4, estimator = "WLSMV", missing = "pairwise")
  ref4m[[level]] <- model_result(fit)
  if (level == "configural") {
    ref4m$sampstat <- sampstat(fit)
    ref4m$nobs <- lavInspect(fit, "nobs")
  }
}
write_json(ref4m, "ordinal4m.wlsmv.json")

# ---------------------------------------------------------------------- single group

model5 <- syntax_of(items5, factors5, fof5)
fit5 <- cfa(model5, data = dat5, ordered = items5, estimator = "WLSMV")
gamma5 <- lavInspect(fit5, "gamma")
ss5 <- lavInspect(fit5, "sampstat")
omega5 <- compRelSEM(fit5, ord.scale = TRUE)
rho5 <- suppressWarnings(polychoric(dat5)$rho)
set.seed(55)
boot <- bootstrapLavaan(fit5, R = 500, type = "ordinary",
                        FUN = function(f) compRelSEM(f, ord.scale = TRUE))
ref5 <- list(
  items = items5, factors = factors5[fof5],
  cfa = model_result(fit5),
  sampstat = list(thresholds = unname(ss5$th),
                  polychoric = lapply(seq_len(nrow(ss5$cov)), function(i) unname(ss5$cov[i, ]))),
  gamma = lapply(seq_len(nrow(gamma5)), function(i) unname(gamma5[i, ])),
  psych_polychoric = lapply(seq_len(nrow(rho5)), function(i) unname(rho5[i, ])),
  ordinal_alpha = alpha(rho5, warnings = FALSE)$total$raw_alpha,
  categorical_omega = omega5[[1]],
  omega_bootstrap = list(R = sum(is.finite(boot[, 1])), se = sd(boot[, 1], na.rm = TRUE),
                         mean = mean(boot[, 1], na.rm = TRUE)))
write_json(ref5, "ordinal5.wlsmv.json")
