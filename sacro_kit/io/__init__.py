"""Reading the kit's inputs: the reported-statistics card, patient-level cohorts, the literature table, package data."""
