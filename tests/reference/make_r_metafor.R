# Frozen metafor references for tests/test_meta_reference.py.
#
#   Rscript tests/reference/make_r_metafor.R      (from the repository root; writes tests/reference/metafor.json)
#
# Made with R 4.2.2, metafor 3.8-1, metadat and jsonlite (Debian packages r-cran-metafor, r-cran-metadat,
# r-cran-jsonlite). make test reads only the JSON, so it needs no R.
#
# Data sets, each from the metafor help page that uses it:
#   bcg      dat.bcg, escalc(measure = "RR")         ?rma.uni, ?confint.rma, ?leave1out, ?influence.rma.uni, ?trimfill
#   molloy   dat.molloy2014, escalc(measure = "ZCOR") metadat ?dat.molloy2014 (example: rma(yi, vi), funnel)
#   egger    dat.egger2001, escalc(measure = "OR", subset = -16)   ?regtest
#   hine     dat.hine1989, escalc(measure = "RD")     metadat ?dat.hine1989 (a homogeneous set: tau^2 = 0)
#   sacro    tests/reference/sacroplasty_effects.csv  (chapter 9's pooling table, written by
#            tests/reference/make_sacroplasty_input.py)
# metafor's default convergence criteria are loose (threshold 1e-5); every fit here uses
# control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12), and confint() uses tol = 1e-12.

suppressPackageStartupMessages({library(metafor); library(jsonlite)})

ctrl <- list(threshold = 1e-10, maxiter = 1000, tol = 1e-12)
# Inputs are written as 17-significant-digit strings (jsonlite rounds numbers to 15), so Python reads the very
# doubles R used; outputs are numbers (15 significant digits).
exact <- function(x) sprintf("%.17g", x)
methods <- c("REML", "ML", "DL", "PM", "HE", "SJ", "EB", "HS", "FE")

fit_out <- function(res) {
  out <- list(beta = c(res$beta), se = res$se, zval = res$zval, pval = res$pval, ci_lb = res$ci.lb,
              ci_ub = res$ci.ub, tau2 = res$tau2, se_tau2 = if (is.null(res$se.tau2)) NA else res$se.tau2,
              I2 = res$I2, H2 = res$H2, QE = res$QE, QEp = res$QEp, QM = res$QM, QMp = res$QMp,
              ddf = if (is.na(res$ddf[1])) NA else res$ddf[1], k = res$k, p = res$p)
  if (!is.null(res$R2)) out$R2 <- res$R2
  if (res$int.only) {
    pr <- predict(res)
    out$pi_lb <- pr$pi.lb
    out$pi_ub <- pr$pi.ub
  }
  out
}

ci_out <- function(res) {
  ci <- confint(res, control = list(tol = 1e-12))
  r <- ci$random
  list(tau2 = r["tau^2", ], tau = r["tau", ], I2 = r["I^2(%)", ], H2 = r["H^2", ],
       lb_sign = ci$lb.sign, ub_sign = ci$ub.sign, ci_null = ci$ci.null)
}

l1o_out <- function(res) {
  l <- leave1out(res)
  list(estimate = l$estimate, se = l$se, zval = if (is.null(l$zval)) l$tval else l$zval, pval = l$pval,
       ci_lb = l$ci.lb, ci_ub = l$ci.ub, Q = l$Q, Qp = l$Qp, tau2 = if (is.null(l$tau2)) rep(0, length(l$estimate)) else l$tau2,
       I2 = l$I2, H2 = l$H2)
}

inf_out <- function(res) {
  inf <- influence(res)
  list(rstudent = inf$inf$rstudent, dffits = inf$inf$dffits, cook_d = inf$inf$cook.d, cov_r = inf$inf$cov.r,
       tau2_del = inf$inf$tau2.del, QE_del = inf$inf$QE.del, hat = inf$inf$hat, weight = inf$inf$weight,
       dfbetas = lapply(unclass(inf$dfbs)[seq_len(res$p)], as.numeric), is_infl = inf$is.infl)
}

reg_out <- function(res, ...) {
  r <- regtest(res, ...)
  list(zval = r$zval, pval = r$pval, ddf = if (is.null(r$ddf) || is.na(r$ddf)) NA else r$ddf,
       slope = c(coef(r$fit))[2], est = if (is.null(r$est)) NA else unname(r$est),
       ci_lb = if (is.null(r$ci.lb)) NA else r$ci.lb, ci_ub = if (is.null(r$ci.ub)) NA else r$ci.ub)
}

tf_out <- function(res, ...) {
  tf <- tryCatch(suppressWarnings(trimfill(res, control = ctrl, ...)), error = function(e) e)
  if (inherits(tf, "error")) return(list(error = conditionMessage(tf)))
  list(k0 = tf$k0, se_k0 = tf$se.k0, side = tf$side, p_k0 = if (is.na(tf$p.k0)) NA else tf$p.k0,
       filled_yi = c(tf$yi)[tf$fill], filled_vi = tf$vi[tf$fill], beta = c(tf$beta), se = tf$se,
       ci_lb = tf$ci.lb, ci_ub = tf$ci.ub, tau2 = tf$tau2, QE = tf$QE, I2 = tf$I2)
}

intercept_case <- function(yi, vi, labels, source, influence_methods = methods) {
  case <- list(source = source, yi = exact(yi), vi = exact(vi), labels = labels, fits = list())
  for (m in methods) {
    for (test in c("z", "knha")) {
      res <- suppressWarnings(rma(yi, vi, method = m, test = test, control = ctrl))
      key <- paste(m, test, sep = "_")
      entry <- list(fit = fit_out(res))
      if (m != "FE") entry$confint <- ci_out(res)
      entry$leave1out <- l1o_out(res)
      if (m %in% influence_methods) entry$influence <- inf_out(res)
      entry$regtest_rma <- reg_out(res)
      if (test == "z") {
        entry$regtest_lm <- reg_out(res, model = "lm")
        entry$regtest_vi <- reg_out(res, predictor = "vi")
        entry$trimfill_L0 <- tf_out(res)
        entry$trimfill_R0 <- tf_out(res, estimator = "R0")
        entry$trimfill_Q0 <- tf_out(res, estimator = "Q0")
        entry$trimfill_left <- tf_out(res, side = "left")
        entry$trimfill_right <- tf_out(res, side = "right")
      }
      case$fits[[key]] <- entry
    }
  }
  case
}

mods_case <- function(yi, vi, X, labels, source) {
  case <- list(source = source, yi = exact(yi), vi = exact(vi), mods = lapply(seq_len(ncol(X)), function(j) exact(X[, j])),
               mod_names = colnames(X), labels = labels, fits = list())
  for (m in methods) {
    for (test in c("z", "knha")) {
      res <- suppressWarnings(rma(yi, vi, mods = X, method = m, test = test, control = ctrl))
      entry <- list(fit = fit_out(res), influence = inf_out(res))
      if (m != "FE") entry$confint <- ci_out(res)
      case$fits[[paste(m, test, sep = "_")]] <- entry
    }
  }
  case
}

subgroup_case <- function(yi, vi, groups, labels, source) {
  levels <- unique(groups)
  case <- list(source = source, yi = exact(yi), vi = exact(vi), groups = groups, labels = labels, fits = list())
  for (m in c("REML", "DL", "PM", "FE")) {
    for (test in c("z", "knha")) {
      sub <- lapply(levels, function(g) {
        sel <- groups == g
        t <- if (sum(sel) >= 2) test else "z"
        rma(yi[sel], vi[sel], method = m, test = t, control = ctrl)
      })
      est <- sapply(sub, function(r) c(r$beta))
      se <- sapply(sub, function(r) r$se)
      # Q-between from separate fits: a common-effect meta-regression on the subgroup estimates
      # (the approach of metafor's web page "Testing for subgroup differences"; Borenstein et al. 2009, ch. 19).
      between <- rma(est, sei = se, mods = ~ factor(levels, levels = levels), method = "FE")
      joint <- suppressWarnings(rma(yi, vi, mods = ~ factor(groups, levels = levels), method = m, test = test, control = ctrl))
      case$fits[[paste(m, test, sep = "_")]] <- list(
        levels = levels, k = sapply(sub, function(r) r$k), estimate = est, se = se,
        ci_lb = sapply(sub, function(r) r$ci.lb), ci_ub = sapply(sub, function(r) r$ci.ub),
        tau2 = sapply(sub, function(r) r$tau2), QE = sapply(sub, function(r) r$QE),
        Qb = between$QM, Qb_p = between$QMp, QM = joint$QM, QMp = joint$QMp,
        QM_ddf = if (is.na(joint$QMdf[2])) NA else joint$QMdf[2], joint_tau2 = joint$tau2)
    }
  }
  case
}

cases <- list()

bcg <- escalc(measure = "RR", ai = tpos, bi = tneg, ci = cpos, di = cneg, data = dat.bcg)
bcg_labels <- paste(dat.bcg$author, dat.bcg$year)
cases$bcg <- intercept_case(bcg$yi, bcg$vi, bcg_labels, "metafor ?rma.uni / ?confint.rma / ?leave1out / ?trimfill: dat.bcg, escalc(measure = 'RR')")
X <- cbind(ablat = dat.bcg$ablat, year = dat.bcg$year)
cases$bcg_mods <- mods_case(bcg$yi, bcg$vi, X, bcg_labels, "metafor ?influence.rma.uni and ?rma.uni: rma(yi, vi, mods = ~ ablat + year, data = dat.bcg)")
cases$bcg_ablat <- mods_case(bcg$yi, bcg$vi, cbind(ablat = dat.bcg$ablat), bcg_labels, "metafor ?confint.rma: rma(yi, vi, mods = ~ ablat, data = dat.bcg)")
cases$bcg_alloc <- subgroup_case(bcg$yi, bcg$vi, as.character(dat.bcg$alloc), bcg_labels, "metafor ?rma.uni (subgroups by alloc): dat.bcg")

mol <- escalc(measure = "ZCOR", ri = ri, ni = ni, data = dat.molloy2014)
cases$molloy <- intercept_case(mol$yi, mol$vi, paste(dat.molloy2014$authors, dat.molloy2014$year), "metadat ?dat.molloy2014: escalc(measure = 'ZCOR', ri, ni)")

egg <- escalc(measure = "OR", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.egger2001, subset = -16)
cases$egger <- intercept_case(egg$yi, egg$vi, as.character(egg$source), "metafor ?regtest: dat.egger2001, escalc(measure = 'OR', subset = -16)", influence_methods = c("REML", "DL"))
cases$egger$ni <- c(egg$n1i + egg$n2i)
r_eg <- rma(egg$yi, egg$vi, control = ctrl)
cases$egger$regtest_ni <- list(
  lm_ni = reg_out(r_eg, model = "lm", predictor = "ni", ni = egg$n1i + egg$n2i),
  lm_ninv = reg_out(r_eg, model = "lm", predictor = "ninv", ni = egg$n1i + egg$n2i),
  rma_ni = reg_out(r_eg, predictor = "ni", ni = egg$n1i + egg$n2i),
  rma_sqrtninv = reg_out(r_eg, predictor = "sqrtninv", ni = egg$n1i + egg$n2i))

hine <- escalc(measure = "RD", ai = ai, n1i = n1i, ci = ci, n2i = n2i, data = dat.hine1989)
cases$hine <- intercept_case(hine$yi, hine$vi, as.character(dat.hine1989$study), "metadat ?dat.hine1989: escalc(measure = 'RD')", influence_methods = c("REML", "DL"))

sac <- read.csv("tests/reference/sacroplasty_effects.csv", stringsAsFactors = FALSE)
cases$sacro <- intercept_case(sac$yi, sac$vi, sac$label, "chapter 9 pooling table (tests/reference/sacroplasty_effects.csv)")
cases$sacro_guidance <- subgroup_case(sac$yi, sac$vi, sac$guidance_group, sac$label, "chapter 9: subgroups by image guidance")
has_weeks <- !is.na(sac$weeks)
cases$sacro_weeks <- mods_case(sac$yi[has_weeks], sac$vi[has_weeks], cbind(weeks = sac$weeks[has_weeks]), sac$label[has_weeks], "chapter 9: meta-regression on follow-up (weeks)")

out <- list(metafor = as.character(packageVersion("metafor")), R = R.version.string, control = ctrl, cases = cases)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, na = "null", null = "null", pretty = FALSE),
           "tests/reference/metafor.json")
cat("wrote tests/reference/metafor.json\n")
