# %% [markdown]
# # Accounts
# When the accounts were created, in what batches, how soon they started
# tweeting, and how few people followed them. Logic: `ioreport.analysis.accounts`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default

# %%
import altair as alt

from ioreport.analysis import accounts
from ioreport.pipeline.context import open_run
from ioreport.publish import theme

run = open_run(data_dir, run_dir, "accounts")
users = run.users()
tweets = run.tweets() if run.has_tweets else None
found = accounts.summarise(users, tweets)
run.record(found, accounts.claims(users))
found

# %%
#| label: fig-creation-timeline
#| fig-cap: "Accounts created per month. Batch registrations show as spikes."
run.figure(
    theme.zoomable(
        alt.Chart(accounts.creation_per_month(users), title="Account creation per month")
        .mark_bar()
        .encode(
            x=alt.X("month:T", title="Month created"),
            y=alt.Y("accounts:Q", title="Accounts", axis=theme.COUNT_AXIS),
            tooltip=[alt.Tooltip("month:T", format="%B %Y"), "accounts:Q"],
        )
    ),
    "creation-timeline",
)

# %%
#| label: tbl-creation-batches
#| tbl-cap: "The ten largest creation days: accounts registered on a single day."
run.table(accounts.creation_batches(users), "creation-batches")

# %%
#| label: fig-followers
#| fig-cap: "Share of accounts by follower and following count."
run.figure(
    theme.bucket_shares(
        accounts.follow_distributions(users),
        "count",
        "accounts",
        title="Followers and following",
        x_title=None,
        y_title="Share of accounts",
    ),
    "followers",
)

# %% [markdown]
# ## From creation to first tweet
# Accounts made weeks before use are a mark of an operation preparing its
# personas (SIO). Only accounts that tweeted in this dataset are counted.

# %%
#| label: fig-first-tweet-lag
#| fig-cap: "Days from account creation to first tweet in the dataset (accounts that tweeted)."
if tweets is not None:
    lags = accounts.first_tweet_lag(users, tweets)
    run.figure(
        alt.Chart(accounts.lag_counts(lags), title="Creation to first tweet")
        .mark_bar()
        .encode(
            x=alt.X("lag_days:Q", bin=alt.Bin(maxbins=60), title="Days from creation to first tweet"),
            y=alt.Y("sum(accounts):Q", title="Accounts", axis=theme.COUNT_AXIS),
        ),
        "first-tweet-lag",
    )
else:
    run.text("_Skipped: this dataset has no tweets file, so first tweets are unknown._")
