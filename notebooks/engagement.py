# %% [markdown]
# # Engagement
# How much real engagement the tweets drew, and where it was anomalous
# (ASPI's test: 0-follower accounts with more than 50 likes or more than 10
# retweets on a tweet). Logic: `ioreport.analysis.engagement`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default

# %%
from ioreport.analysis import engagement
from ioreport.pipeline.context import open_run
from ioreport.publish import theme

run = open_run(data_dir, run_dir, "engagement")
tweets = run.tweets()
found = engagement.summarise(tweets)
run.record(found, engagement.claims(tweets))
found

# %%
#| label: fig-engagement-distribution
#| fig-cap: "Share of tweets by engagement count. Almost every tweet drew nothing."
run.figure(
    theme.bucket_shares(
        engagement.count_distribution(tweets),
        "metric",
        "tweets",
        title="Likes, retweets, replies and quotes per tweet",
        x_title="Count on a tweet",
        y_title="Share of tweets",
    ),
    "distribution",
)

# %%
#| label: tbl-anomalous-engagement
#| tbl-cap: "Anomalous engagement: tweets from 0-follower accounts above ASPI's thresholds, most liked first (the CSV has every such tweet with all four counts and its time)."
run.table(
    engagement.anomalous_tweets(tweets),
    "anomalous",
    columns=["tweetid", "user_display_name", "like_count", "retweet_count", "tweet_text"],
)

# %%
#| label: tbl-top-liked
#| tbl-cap: "The ten most-liked tweets, with their authors (the CSV has all four counts)."
run.table(
    engagement.top_tweets(tweets, "like_count", 10),
    "top-liked",
    columns=["tweetid", "user_display_name", "follower_count", "like_count", "retweet_count", "tweet_text"],
)
