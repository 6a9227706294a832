# Reference values for sacro_kit's exact conditional Wilcoxon signed-rank test and Hodges-Lehmann interval.
#
#   Rscript tests/reference/make_r_wilcoxon.R     (from the repository root; writes tests/reference/r_wilcoxon.json)
#
# Made with R 4.2.2 (Debian), coin 1.4-2 and exactRankTests 0.8-35. `make test` reads only the JSON, never R.
# Functions matched:
#   coin::wilcoxsign_test(pre ~ post, distribution = "exact", zero.method = "Pratt" | "Wilcoxon")
#       -- exact conditional p-value (Streitberg-Roehmel shift algorithm), all three alternatives, and
#          coin::statistic(), the signed standardised statistic (asymptotic version, no continuity correction)
#   exactRankTests::wilcox.exact(pre, post, paired = TRUE, exact = TRUE, conf.int = TRUE)  (its default is exact only for n < 50)
#       -- exact conditional p-value (zeros dropped), Hodges-Lehmann estimate and confidence bounds with ties
#   stats::wilcox.test(pre, post, paired = TRUE, exact = TRUE, conf.int = TRUE)  (untied cases only)
suppressMessages({
  library(coin)
  library(exactRankTests)
  library(jsonlite)
})

alternatives <- c("two.sided", "less", "greater")

coin_p <- function(pre, post, zm, alt) {
  as.numeric(pvalue(wilcoxsign_test(pre ~ post, distribution = "exact", zero.method = zm, alternative = alt)))
}
coin_z <- function(pre, post, zm) {
  as.numeric(statistic(wilcoxsign_test(pre ~ post, distribution = "asymptotic", zero.method = zm)))
}

one_case <- function(label, pre, post, conf_levels = c(0.95, 0.9)) {
  d <- pre - post
  out <- list(label = label, pre = pre, post = post)
  if (any(d != 0)) {
    out$coin <- list()
    for (zm in c("Pratt", "Wilcoxon")) {
      ps <- sapply(alternatives, function(a) coin_p(pre, post, zm, a))
      out$coin[[zm]] <- list(p = as.list(ps), z = coin_z(pre, post, zm))
    }
    ex <- list()
    for (a in alternatives) {
      for (cl in conf_levels) {
        r <- suppressWarnings(wilcox.exact(pre, post, paired = TRUE, exact = TRUE, conf.int = TRUE, conf.level = cl,
                                           alternative = a))
        ex[[length(ex) + 1]] <- list(alternative = a, conf_level = cl, p = r$p.value, statistic = unname(r$statistic),
                                     estimate = unname(r$estimate),
                                     ci = c(ifelse(is.finite(r$conf.int[1]), r$conf.int[1], NA),
                                            ifelse(is.finite(r$conf.int[2]), r$conf.int[2], NA)))
      }
    }
    out$wilcox_exact <- ex
    nz <- d[d != 0]
    if (length(unique(abs(nz))) == length(nz) && length(nz) == length(d)) {
      wt <- list()
      for (a in alternatives) {
        r <- suppressWarnings(wilcox.test(pre, post, paired = TRUE, exact = TRUE, conf.int = TRUE, alternative = a))
        wt[[length(wt) + 1]] <- list(alternative = a, conf_level = 0.95, p = r$p.value, estimate = unname(r$estimate),
                                     ci = c(ifelse(is.finite(r$conf.int[1]), r$conf.int[1], NA),
                                            ifelse(is.finite(r$conf.int[2]), r$conf.int[2], NA)))
      }
      out$wilcox_test <- wt
    }
  }
  out
}

cases <- list()
# Issue 13's example: 25 pain-score pairs, 20 zero differences, differences -2, -1, +1, +1, +1.
cases[[1]] <- one_case("issue13 example", c(rep(3, 20), 1, 2, 4, 4, 4), rep(3, 25))

# Tied and zero differences on a 0-10 pain scale, many seeds and sizes.
for (seed in 1:40) {
  set.seed(seed)
  n <- sample(c(6:30, 35, 40, 45, 49, 50, 51, 57, 60, 80), 1)
  pre <- sample(3:10, n, replace = TRUE)
  shift <- sample(0:3, 1)
  post <- pmin(10, pmax(0, pre - shift + sample(-3:3, n, replace = TRUE)))
  cases[[length(cases) + 1]] <- one_case(sprintf("pain seed %d (n = %d)", seed, n), pre, post)
}
# Half-point scales (differences on a 0.5 grid), and heavy zeros.
for (seed in 101:110) {
  set.seed(seed)
  n <- sample(8:40, 1)
  pre <- sample(seq(0, 10, by = 0.5), n, replace = TRUE)
  post <- pmax(0, pre - sample(c(0, 0, 0, 0.5, 1, 1.5, 2, -0.5, -1), n, replace = TRUE))
  cases[[length(cases) + 1]] <- one_case(sprintf("half-point seed %d (n = %d)", seed, n), pre, post)
}
# Untied continuous cases, including exactly n = 50 (R's wilcox.test exact branch is n < 50; exact = TRUE forces it).
for (seed in 201:206) {
  set.seed(seed)
  n <- c(8, 15, 30, 49, 50, 50)[seed - 200]
  pre <- round(rnorm(n, 20, 6), 3)
  post <- round(pre - rnorm(n, 10, 7), 3)
  d <- pre - post
  while (any(duplicated(abs(round(d, 9)))) || any(d == 0)) {
    post <- round(pre - rnorm(n, 10, 7), 3)
    d <- pre - post
  }
  cases[[length(cases) + 1]] <- one_case(sprintf("untied seed %d (n = %d)", seed, n), pre, post)
}

meta <- list(
  R = R.version.string,
  coin = as.character(packageVersion("coin")),
  exactRankTests = as.character(packageVersion("exactRankTests")),
  script = "tests/reference/make_r_wilcoxon.R"
)
writeLines(toJSON(list(meta = meta, cases = cases), auto_unbox = TRUE, digits = NA, na = "null", pretty = TRUE),
           "tests/reference/r_wilcoxon.json")
cat("wrote tests/reference/r_wilcoxon.json with", length(cases), "cases\n")
