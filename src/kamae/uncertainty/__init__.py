"""What an answer hangs on, and what each capability is worth.

- Uncertain inputs: numeric fields of a scenario given as distributions (the format and
  its checks: `kamae.scenario.uncertain`), or added by an inputs file
  (`kamae.uncertainty.inputs`); sampled by inverse transform (`distributions`).
- Global sensitivity (`kamae sensitivity`): Sobol' indices and Morris screening with SALib
  over a design of the inputs (`design`, `analysis`), run on the sweep machinery
  (`study.run_sensitivity`), with the aleatory/epistemic split of each output's variance and
  a tornado of one-at-a-time swings.
- The value of each capability (`kamae study capabilities`): the questions of a study file
  answered by paired comparisons of variants (`capabilities`, on `kamae.compare`).

See docs/uncertainty.md.
"""
