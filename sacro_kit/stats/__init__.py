"""Statistics: quantile definitions, paired tests, proportions and responders, missing-data bounds, mean/SD
estimation from medians and quartiles, meta-analysis."""
