# The R floor of benchmarks/bench_growth.py: the same models fitted in R.
#
#   Rscript benchmarks/growth.R MODE DATA.csv MODEL.lav
#
# MODEL.lav holds lavaan syntax, one "factor =~ item + item ..." line per factor.
# Only the fitting is timed (system.time, user + system CPU); R start-up, library() and
# read.csv are not. Prints "fit_seconds <s>" and one line of figures to compare with relscale's.
suppressPackageStartupMessages({
  library(lavaan)
  library(MASS)
  library(psych)
})
a <- commandArgs(TRUE)
mode <- a[1]
d <- read.csv(a[2])
lines <- readLines(a[3])
model <- paste(lines, collapse = "\n")
scales <- lapply(strsplit(sub(".*=~", "", lines), "\\+"), trimws)
names(scales) <- trimws(sub("=~.*", "", lines))
if ("sector" %in% names(d)) {
  # the items every group answers (a sector's own wording stands in for some)
  shared <- function(it) all(tapply(!is.na(d[[it]]), d$sector, any))
  scales <- lapply(scales, function(s) Filter(shared, s))
  model <- paste(names(scales), "=~", vapply(scales, paste, "", collapse = " + "),
                 collapse = "\n")
}
items <- unlist(scales)
out <- ""
tm <- system.time({
  if (mode == "cfa_ml") {
    f <- cfa(model, data = d, estimator = "ML", missing = "listwise")
    out <- fitMeasures(f, "chisq")
  } else if (mode == "cfa_mlr") {
    f <- cfa(model, data = d, estimator = "MLR", missing = "ml", cluster = "teacher_code")
    out <- fitMeasures(f, "chisq")
  } else if (mode == "cfa_wlsmv") {
    f <- cfa(model, data = d, ordered = items, estimator = "WLSMV", missing = "pairwise")
    out <- fitMeasures(f, "chisq")
  } else if (mode == "invariance_ml") {
    conf <- cfa(model, data = d, group = "sector", estimator = "ML", missing = "listwise",
                std.lv = TRUE)
    met <- cfa(model, data = d, group = "sector", estimator = "ML", missing = "listwise",
               std.lv = TRUE, group.equal = "loadings")
    sca <- cfa(model, data = d, group = "sector", estimator = "ML", missing = "listwise",
               std.lv = TRUE, group.equal = c("loadings", "intercepts"))
    st1 <- lavTestScore(met)
    st2 <- lavTestScore(sca)
    out <- c(fitMeasures(conf, "chisq"), fitMeasures(met, "chisq"), fitMeasures(sca, "chisq"))
  } else if (mode == "dif") {
    # per scale, per item: polr on the total score; + group; + total x group (one round,
    # no purification), complete rows of the scale
    g <- factor(d$sector)
    for (s in scales) {
      x <- d[, s]
      ok <- complete.cases(x)
      x <- x[ok, ]
      gg <- g[ok]
      tot <- rowSums(x)
      for (it in s) {
        y <- factor(x[[it]], ordered = TRUE)
        m1 <- polr(y ~ tot)
        m2 <- polr(y ~ tot + gg)
        m3 <- polr(y ~ tot * gg)
        out <- c(out, 2 * (logLik(m2) - logLik(m1)))
      }
    }
    out <- length(out) - 1
  } else if (mode == "reliability") {
    for (s in scales) out <- c(out, psych::alpha(d[, s], warnings = FALSE)$total$raw_alpha)
  } else if (mode == "reliability_ordinal") {
    for (s in scales) {
      r <- lavCor(d[, s], ordered = s, missing = "listwise")
      out <- c(out, psych::alpha(r, warnings = FALSE, n.obs = nrow(d))$total$raw_alpha)
    }
  } else if (mode == "norms") {
    for (s in scales) {
      m <- rowMeans(d[, s], na.rm = TRUE)
      out <- c(out, quantile(m, seq(0.01, 0.99, 0.01), na.rm = TRUE, type = 6)[50])
    }
  } else {
    stop("unknown mode ", mode)
  }
})
# CPU seconds of the fitting (user + system), as relscale's side is counted
cat("fit_seconds", tm[["user.self"]] + tm[["sys.self"]], "\n")
cat("fit_elapsed", tm[["elapsed"]], "\n")
cat("figures", format(out, digits = 8), "\n")
cat("versions lavaan", as.character(packageVersion("lavaan")), "MASS",
    as.character(packageVersion("MASS")), "psych", as.character(packageVersion("psych")), "\n")
