# %% [markdown]
# # Key findings
# This run's headline figures beside the published ones. Every number here
# comes from findings.json, written by the other notebooks of this run.

# %% tags=["parameters"]
params_path = ""  # run parameters (YAML file); empty for the synthetic default
run_dir = ""  # where findings, figures and tables go; empty for runs/default

# %%
import polars as pl

from ioreport.analysis import findings
from ioreport.pipeline.context import open_run

run = open_run(params_path, run_dir, "summary")
results = findings.collect(run.run_dir)

# %%
#| label: tbl-published-comparison
#| tbl-cap: "Published figures beside this run's. V: read in the report; P: reported by the press, approximate."
rows = findings.comparison_rows(results, run.params.published)
if rows:
    run.table(pl.DataFrame(rows), "published-comparison", preview_rows=len(rows))
else:
    run.text("_No published analysis is named for this dataset (`published` in the parameters)._")
