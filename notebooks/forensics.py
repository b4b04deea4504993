# %% [markdown]
# # Account forensics
# Each account's life: the signs that it was bought and repurposed (a switch of
# language or app, a long sleep, "test new owner" tweets), how alike the
# accounts created on one day behaved, and the patterns in their names and
# profiles. Logic: `ioreport.analysis.forensics`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default
timezone = "UTC"  # IANA time zone the posting is read in

# %%
import altair as alt
import polars as pl

from ioreport.analysis import accounts, forensics
from ioreport.pipeline.context import open_run
from ioreport.publish import theme

run = open_run(data_dir, run_dir, "forensics")
users, tweets = run.users(), run.tweets()
signals = forensics.repurposing_signals(tweets)
behaviour = forensics.account_behaviour(users, tweets, timezone)
patterns = forensics.screen_name_patterns(users)
found = forensics.summarise(signals, patterns)
run.record(found, forensics.claims(tweets, signals))

# %% [markdown]
# ## Repurposed accounts
# ASPI found the 2019 network built from bought spam, porn and marketing
# accounts. A switch is the split of an account's tweets where one language (or
# app) drops most in share from before to after; languages are read from the
# account's own tweets, since a retweet carries its source's. Test tweets are
# tweets that are, as a whole, "test", "test new owner", "new own" and the like:
# a sentence that mentions a test does not count. One signal alone has innocent
# explanations (a break, a new phone, two languages, a stray "test"), so an
# account is flagged only when several fire.

# %%
run.text(
    f"**{found.repurposed_accounts:,}** accounts show at least {forensics.MIN_SIGNALS} of the four "
    f"repurposing signals: a language switch ({found.language_switch_accounts:,} accounts), "
    f"{forensics.DORMANCY_DAYS} days or more of silence then reactivation "
    f"({found.dormant_reactivated_accounts:,}), a client switch ({found.client_switch_accounts:,}) "
    f'and "test" tweets ({found.test_owner_tweets:,} tweets from {found.test_owner_accounts:,} '
    f"accounts). A switch needs at least {forensics.MIN_SIDE_TWEETS} tweets on each side and a drop in "
    f"share of at least {forensics.MIN_SHARE_DROP:.0%}."
)

# %%
#| label: tbl-flagged
#| tbl-cap: "Accounts flagged as repurposed, most signals first, with the evidence for each signal (the CSV has every flagged account and when each switch and reactivation happened)."
run.table(
    forensics.flagged_table(signals),
    "flagged",
    columns=["userid", "signals", "language", "client", "dormant_days", "test_tweets"],
)

# %%
#| label: fig-lifelines
#| fig-cap: "Account lifelines: one row per account, a bar over each week it tweeted, coloured by that week's most common tweet language. Flagged accounts above, a random sample of the others below; rows sorted by first tweet."
ROW_HEIGHT = 1.5  # pixels per account: a few hundred rows stay legible
drawn = forensics.lifeline_accounts(behaviour, signals, seed=20200611)
runs = forensics.lifelines(tweets, drawn)
languages = runs.group_by("language").agg(pl.col("tweets").sum()).sort("tweets", descending=True)["language"]
unnamed = [forensics.OTHER_LANGUAGE, forensics.UNDETERMINED]
named = [code for code in languages if code not in unnamed]
language_colours = alt.Scale(
    domain=[*named, *unnamed], range=[*theme.PALETTE[: len(named)], theme.MUTED, "#d9d9d9"]
)


def lifeline_panel(group: str) -> alt.Chart:
    rows = runs.filter(pl.col("group") == group)
    shown = rows["userid"].n_unique()
    return (
        alt.Chart(rows, title=f"{group} ({shown:,} accounts)")
        .mark_rect(aria=False)  # thousands of marks: no description each
        .encode(
            x=alt.X("start:T", title="Week", axis=alt.Axis(format="%b %Y", labelAngle=0)),
            x2="end:T",
            y=alt.Y("row:O", axis=None),
            color=alt.Color("language:N", title="Tweet language", scale=language_colours),
        )
        .properties(height=max(shown, 1) * ROW_HEIGHT)
    )


run.figure(
    alt.vconcat(
        *(lifeline_panel(group) for group in runs["group"].unique(maintain_order=True))
    ).resolve_scale(x="shared"),
    "lifelines",
)

# %%
#| label: fig-creation-first-tweet
#| fig-cap: "Account creation against first tweet in the dataset, by week; size is the number of accounts. Accounts made for the operation lie top right, tweeting days after creation; old accounts, the flagged ones among them, were created years before they first tweeted here."
run.figure(
    alt.Chart(forensics.creation_vs_first_tweet(behaviour, signals), title="Created, then first tweeted")
    .mark_circle(opacity=0.6, aria=False)
    .encode(
        x=alt.X("created_week:T", title="Week created"),
        y=alt.Y("first_tweet_week:T", title="Week of first tweet"),
        size=alt.Size("accounts:Q", title="Accounts", scale=alt.Scale(range=[12, 500])),
        color=alt.Color(
            "group:N",
            title=None,
            scale=alt.Scale(
                domain=[forensics.FLAGGED, forensics.OTHERS], range=[theme.PALETTE[3], theme.MUTED]
            ),
        ),
        order=alt.Order("group:N", sort="descending"),  # flagged accounts drawn on top
    ),
    "creation-first-tweet",
)

# %% [markdown]
# ## Batch creation
# SIO found accounts created in batches weeks before use. If one operator ran a
# batch, its accounts may share habits: the app they post from, the language,
# the hashtags, the hour they post at, and when they started. Shares are of the
# batch's accounts that share the batch's most common value; spreads are
# interquartile ranges. The last row is the network as a whole.

# %%
#| label: tbl-batch-homogeneity
#| tbl-cap: "The largest creation days: how alike their accounts behaved (share of accounts with the batch's most common client, language and hashtag; spreads of posting hour and start), against all accounts in the first row (the CSV names the client, language and hashtag)."
batches = accounts.creation_batches(users, top=10)
run.table(
    forensics.batch_homogeneity(behaviour, batches),
    "batch-homogeneity",
    columns=[
        "batch",
        "accounts",
        "main_client_share",
        "main_language_share",
        "top_hashtag_share",
        "median_hour_iqr",
        "first_tweet_iqr_days",
        "median_days_to_first_tweet",
    ],
)

# %% [markdown]
# ## Screen names and profiles
# Twitter replaced the identity of accounts with fewer than 5,000 followers by a
# hash, in the userid, the display name *and the screen name*: a hashed
# account's screen name is that hash, so name patterns speak only of the
# unhashed accounts.

# %%
#| label: tbl-screen-names
#| tbl-cap: "Accounts by screen-name pattern (first match wins)."
run.table(patterns, "screen-names")

# %%
#| label: tbl-profiles
#| tbl-cap: "Empty profiles: hashed and unhashed accounts with no biography, location or link."
run.table(forensics.profile_completeness(users), "profiles")
