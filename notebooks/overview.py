# %% [markdown]
# # Data overview
# What the dataset holds: its time span, languages, kinds of tweet and the
# apps they were sent from. Logic: `ioreport.analysis.overview`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default

# %%
import altair as alt

from ioreport.analysis import overview
from ioreport.pipeline.context import open_run
from ioreport.publish import theme

run = open_run(data_dir, run_dir, "overview")
tweets = run.tweets()
found = overview.summarise(tweets)
run.record(found)
found

# %%
#| label: fig-weekly-volume
#| fig-cap: "Tweets per week (UTC), retweets stacked on original tweets and replies; weeks without tweets show as gaps."
run.figure(
    theme.zoomable(
        alt.Chart(overview.volume_per(tweets, "1w"), title="Weekly tweet volume")
        .mark_bar()
        .encode(
            x=alt.X("period:T", title="Week"),
            y=alt.Y("tweets:Q", title="Tweets", stack=True, axis=theme.COUNT_AXIS),
            color=alt.Color("kind:N", title=None),
            tooltip=[alt.Tooltip("period:T", title="week of"), "kind:N", "tweets:Q"],
        )
    ),
    "weekly-volume",
)

# %%
#| label: tbl-tweet-languages
#| tbl-cap: "Tweet languages as Twitter labelled them."
run.table(
    overview.share_table(tweets, "tweet_language", "language", top=overview.TOP_LANGUAGES), "tweet-languages"
)

# %%
#| label: tbl-account-languages
#| tbl-cap: "Account interface languages (case folded: zh-CN and zh-cn are one)."
run.table(
    overview.share_table(run.users(), "account_language", "language", top=overview.TOP_LANGUAGES),
    "account-languages",
)

# %%
#| label: tbl-clients
#| tbl-cap: "Client apps the tweets were sent from."
run.table(overview.share_table(tweets, "tweet_client_name", "client", top=10), "clients")

# %%
#| label: tbl-quarantine
#| tbl-cap: "Rows set aside by the loader, by file, column and fault. Every input row is loaded, quarantined or a counted duplicate."
run.table(overview.quarantine_summary(run.data.scan_quarantine()), "quarantine")
