# Reference confidence intervals of Cronbach's alpha from psych::alpha (Feldt and
# Duhachek, the "95% confidence boundaries" psych prints) on seeded data sets.
#
#     Rscript tests/reference/psych_alpha_reference.R
#
# writes tests/data/reliability/<name>.csv (the data, 1..5 answers) and
# tests/data/reliability/psych_alpha.json. Both are committed, so the Python tests
# (tests/test_reliability_hardening.py) never need R. strong, weak, small: complete data
# (psych's default use = "pairwise" is then the same as listwise). gaps: 8% of the answers
# missing and one respondent with none; psych's covariances are pairwise and both intervals
# rest on nrow(x) (psych::alpha passes nsub = dim(x)[1] to alpha.ci and divides Q by it),
# which relscale's --missing pairwise follows ("n_rows" below).

suppressPackageStartupMessages(library(psych))

script_path <- sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE))
out_dir <- normalizePath(file.path(dirname(script_path), "..", "data", "reliability"))

make <- function(seed, n, k, strength) {
  set.seed(seed)
  trait <- rnorm(n)
  x <- sapply(seq_len(k), function(j) trait * strength + rnorm(n))
  x <- apply(x, 2, function(col) as.integer(cut(col, breaks = c(-Inf, -1.5, -0.5, 0.5, 1.5, Inf))))
  colnames(x) <- paste0("i", seq_len(k))
  as.data.frame(x)
}

sets <- list(
  strong = make(11, 300, 6, 1.2),
  weak = make(12, 80, 4, 0.5),
  small = make(13, 25, 5, 0.9),
  gaps = local({
    x <- make(14, 150, 5, 1.0)
    set.seed(15)
    x[matrix(runif(150 * 5) < 0.08, 150)] <- NA
    x[20, ] <- NA
    x
  })
)

entries <- c()
for (name in names(sets)) {
  x <- sets[[name]]
  gaps <- anyNA(x)
  # with gaps, an id column as respondent files have: a respondent without any answer is
  # still a row of the file (a line with no cell at all is no respondent to relscale)
  written <- if (gaps) data.frame(id = sprintf("r%03d", seq_len(nrow(x))), x) else x
  write.csv(written, file.path(out_dir, paste0(name, ".csv")), row.names = FALSE, na = "",
            quote = !gaps)  # the complete sets as first written
  a <- psych::alpha(x, warnings = FALSE)
  feldt <- a$feldt
  ase <- a$total$ase
  raw <- a$total$raw_alpha
  entry <- sprintf(
    paste0('  "%s": {"alpha": %.12f, "feldt": [%.12f, %.12f], ',
           '"duhachek": [%.12f, %.12f], "n": %d, "k": %d'),
    name, raw, feldt$lower.ci, feldt$upper.ci, raw - 1.96 * ase, raw + 1.96 * ase,
    nrow(x), ncol(x))
  if (gaps) {
    entry <- paste0(entry, sprintf(
      paste0(', "missing": "pairwise", "n_rows": %d, "alpha_std": %.12f,\n',
             '            "r_drop": [%s], "alpha_if_deleted": [%s]'),
      nrow(x), a$total$std.alpha,
      paste(sprintf("%.12f", a$item.stats$r.drop), collapse = ", "),
      paste(sprintf("%.12f", a$alpha.drop$raw_alpha), collapse = ", ")))
  }
  entries <- c(entries, paste0(entry, "}"))
}
writeLines(c("{", paste(entries, collapse = ",\n"), "}"),
           file.path(out_dir, "psych_alpha.json"))
cat(sprintf("psych %s\n", packageVersion("psych")))
