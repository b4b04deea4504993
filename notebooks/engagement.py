# %% [markdown]
# # Engagement
# How much real engagement the tweets drew, and where it was anomalous
# (ASPI's test: 0-follower accounts with more than 50 likes or more than 10
# retweets on a tweet). Logic: `ioreport.analysis.engagement`.

# %% tags=["parameters"]
params_path = ""  # run parameters (YAML file); empty for the synthetic default
run_dir = ""  # where findings, figures and tables go; empty for runs/default

# %%
import altair as alt

from ioreport.analysis import engagement
from ioreport.context import open_run

run = open_run(params_path, run_dir, "engagement")
tweets = run.tweets()
summary = engagement.summary(tweets)
run.record("engagement", summary)
summary

# %%
#| label: fig-engagement-distribution
#| fig-cap: "Share of tweets by engagement count. Almost every tweet drew nothing."
run.figure(
    alt.Chart(engagement.count_distribution(tweets))
    .mark_bar()
    .encode(
        x=alt.X("bucket:N", sort=None, title="Count on a tweet"),
        y=alt.Y("share:Q", title="Share of tweets", axis=alt.Axis(format="%")),
        color=alt.Color("metric:N", title=None),
        xOffset="metric:N",
        tooltip=["metric:N", "bucket:N", "tweets:Q", alt.Tooltip("share:Q", format=".2%")],
    )
    .properties(title="Likes, retweets, replies and quotes per tweet"),
    "distribution",
)

# %%
#| label: tbl-anomalous-engagement
#| tbl-cap: "Anomalous engagement: tweets from 0-follower accounts above ASPI's thresholds (first rows)."
run.table(engagement.anomalous_tweets(tweets), "anomalous")

# %%
#| label: tbl-top-liked
#| tbl-cap: "The ten most-liked tweets."
run.table(engagement.top_tweets(tweets, "like_count", 10), "top-liked")
