# Frozen R references for the smallest attainable p of rank and exact tests (tests/test_forensics_attainable.py).
#
#   Rscript tests/reference/make_r_floors.R      (from the repository root; writes tests/reference/r_floors.json)
#
# Made with R 4.2 (stats) and jsonlite. make test reads only the JSON, so it needs no R.
# Each floor is R's own p-value on the most extreme data (or, for Fisher, the minimum of fisher.test over every
# 2 x 2 table with the given row totals), computed independently of sacro_kit:
#   rank_sum        wilcox.test(x, y, exact = TRUE) with the groups completely separated (untied)
#   rank_sum_tied   wilcox.test(x, y, exact = FALSE, correct = FALSE/TRUE), each group tied within itself, apart
#   signed_rank     wilcox.test(d, exact = TRUE) with every difference positive (untied 1..n)
#   sign            binom.test(n, n)
#   fisher          min over tables of fisher.test(matrix(c(a, c, n1 - a, n2 - c), 2))$p.value
#   kruskal         kruskal.test on untied groups holding contiguous blocks of ranks (largest H), and on groups tied
#                   within themselves and apart (H = N - 1)
#   friedman        friedman.test on n blocks that all rank the k treatments the same way
suppressPackageStartupMessages(library(jsonlite))

rank_sum <- list()
for (n1 in 1:8) for (n2 in 1:8) {
  x <- seq_len(n1); y <- n1 + seq_len(n2)
  tied <- if (n1 + n2 > 2) list(
    p = suppressWarnings(wilcox.test(rep(0, n1), rep(1, n2), exact = FALSE, correct = FALSE)$p.value),
    p_cc = suppressWarnings(wilcox.test(rep(0, n1), rep(1, n2), exact = FALSE, correct = TRUE)$p.value)) else NULL
  rank_sum[[length(rank_sum) + 1]] <- list(n1 = n1, n2 = n2, exact = wilcox.test(x, y, exact = TRUE)$p.value,
                                           tied_asymptotic = tied$p, tied_asymptotic_cc = tied$p_cc)
}

signed_rank <- lapply(1:20, function(n) list(n = n, exact = wilcox.test(seq_len(n), exact = TRUE)$p.value,
                                              sign = binom.test(n, n)$p.value))

fisher <- list()
for (n1 in 1:7) for (n2 in 1:7) {
  best <- 1
  for (a in 0:n1) for (c in 0:n2) best <- min(best, fisher.test(matrix(c(a, c, n1 - a, n2 - c), 2))$p.value)
  fisher[[length(fisher) + 1]] <- list(n1 = n1, n2 = n2, min_p = best)
}

kw_sizes <- list(c(2, 2), c(3, 4), c(2, 2, 2), c(1, 2, 3), c(3, 3, 3), c(5, 5, 5, 5), c(2, 3, 4, 5))
kruskal <- lapply(kw_sizes, function(sizes) {
  g <- factor(rep(seq_along(sizes), sizes))
  untied <- kruskal.test(seq_len(sum(sizes)), g)
  tied <- kruskal.test(as.numeric(g), g)
  list(sizes = sizes, untied_p = untied$p.value, untied_H = unname(untied$statistic),
       tied_p = tied$p.value, tied_H = unname(tied$statistic))
})

friedman <- list()
for (k in 3:5) for (n in 2:8) {
  m <- matrix(rep(seq_len(k), each = n), nrow = n)
  f <- friedman.test(m)
  friedman[[length(friedman) + 1]] <- list(blocks = n, k = k, p = f$p.value, Q = unname(f$statistic))
}

out <- list(r_version = R.version.string, rank_sum = rank_sum, signed_rank = signed_rank, fisher = fisher,
            kruskal = kruskal, friedman = friedman)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/r_floors.json")
