"""Results: statistics with confidence intervals and the files of a run."""
