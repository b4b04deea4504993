"""Account forensics: each account's life, and the signs that it was bought and repurposed.

ASPI (2019) found the PRC network hastily built from bought spam, porn and marketing accounts: over 630
tweets said "test new owner", "test" or "new own"; accounts that had tweeted in other languages for years
switched to Chinese; and they switched to the Twitter Web Client when the Hong Kong work began. SIO (2020)
found accounts created in batches, weeks before use.

Four repurposing signals, per account:

- language switch: the split of the account's own tweets (retweets carry the source's language) where one
  language's share drops most, from before to after, with enough tweets on both sides;
- dormancy then reactivation: a silence of at least `DORMANCY_DAYS` between two tweets;
- client switch: the same split search on the app the tweets were sent from, retweets included;
- test tweets: tweets that are, as a whole, "test", "test new owner", "new own" and the like.

An account is flagged repurposed when at least `MIN_SIGNALS` (two) fire. Each alone has innocent
explanations: people take breaks, change phones, write in two languages, or type "test"; two together
rarely do, and ASPI's bought accounts show three or four.
"""

from __future__ import annotations

import math

import polars as pl
from pydantic import BaseModel

from ioreport.analysis.claims import Claim, decided, undecided
from ioreport.analysis.findings import Findings
from ioreport.analysis.text import folded_hashtags, without_links_and_mentions
from ioreport.archive.schema import IS_HASHED, TWEET_TIMESTAMP

TIME = TWEET_TIMESTAMP
DORMANCY_DAYS = 180
MIN_SIDE_TWEETS = 8  # tweets needed on each side of a switch
MIN_SHARE_DROP = 0.7  # share before minus share after, for the value that was dropped
MIN_SIGNALS = 2
MIN_JUDGED_ACCOUNTS = 20
MIN_FLAGGED_ACCOUNTS = 3
MIN_FLAGGED_SHARE = 0.001
LANGUAGE_SWITCH = "language_switch"
DORMANT = "dormant_reactivated"
CLIENT_SWITCH = "client_switch"
TEST_TWEETS = "test_tweets"
SIGNALS = (LANGUAGE_SWITCH, DORMANT, CLIENT_SWITCH, TEST_TWEETS)
CLAIM_RULES = {
    "repurposed_accounts": (
        f"An account is flagged repurposed when at least {MIN_SIGNALS} of the four signals fire (language "
        f"switch, {DORMANCY_DAYS} days or more of dormancy then reactivation, client switch, test tweets); a "
        f"switch needs {MIN_SIDE_TWEETS} tweets on each side and a drop in share of at least "
        f"{MIN_SHARE_DROP:.0%}. The claim holds when at least {MIN_FLAGGED_ACCOUNTS} accounts, and at least "
        f"{MIN_FLAGGED_SHARE:.1%} of the accounts judged, are flagged. An account is judged when it has the "
        f"{2 * MIN_SIDE_TWEETS} tweets a switch needs; the claim is undecided with fewer than "
        f"{MIN_JUDGED_ACCOUNTS} such accounts."
    ),
}
FLAGGED = "Flagged as repurposed"
SAMPLED = "Sample of the other accounts"
OTHERS = "Other accounts"
BASELINE = "all accounts"
OTHER_LANGUAGE = "other"  # in lifelines: a language outside the most common few
UNDETERMINED = "undetermined"  # in lifelines: a week with no detected language
# The evidence column that is there only when a signal fired.
FIRED_BY = {
    LANGUAGE_SWITCH: "language_before",
    DORMANT: "gap_days",
    CLIENT_SWITCH: "client_before",
    TEST_TWEETS: "test_tweet_count",
}
# Twitter's codes for "no language": undetermined, no linguistic content, media, hashtags, ...
NO_LANGUAGE = ("und", "zxx", "qme", "qht", "qst", "qam", "qct")
# The whole tweet, once links, mentions, digits, punctuation and emoji are gone.
TEST_WORDS = r"^(?:(?:test(?:ing)?|new ?own(?:er)?)\s*)+$"
TEST_LETTERS = r"(?i)test|own"  # in every text TEST_WORDS matches: letters stay next to each other
NOT_A_LETTER = r"[^\p{L}\s]+"
# Screen-name patterns: (label, regexes a name must all match); first match wins. Hashed accounts are set
# apart before: their screen name is the hash.
SCREEN_NAME_PATTERNS = (
    ("name + 6 or more digits", (r"^[A-Za-z_]+\d{6,}$",)),  # the handles Twitter suggests at sign-up
    ("name + 1-5 digits", (r"^[A-Za-z_]+\d{1,5}$",)),
    ("15 random letters and digits", (r"^[A-Za-z0-9]{15}$", "[A-Z]", "[a-z]", "[0-9]")),  # a default handle
    ("letters only", (r"^[A-Za-z]+$",)),
)
HASHED_PATTERN = "hashed: the screen name is the hash"
OTHER_PATTERN = "other"
WEEK = "1w"


# --- Repurposing signals -------------------------------------------------------------------------------


def _events(tweets: pl.LazyFrame) -> pl.LazyFrame:
    """The columns the switch and dormancy signals read, in memory once (not the texts: the test tweets are
    looked for apart)."""
    columns = ("userid", "tweetid", TIME, "is_retweet", "tweet_language", "tweet_client_name")
    return tweets.select(columns).collect().lazy()


def _in_time_order(events: pl.LazyFrame) -> pl.LazyFrame:
    return events.sort("userid", TIME, "tweetid")


def change_points(
    events: pl.LazyFrame, column: str, min_side: int = MIN_SIDE_TWEETS, min_drop: float = MIN_SHARE_DROP
) -> pl.DataFrame:
    """Per account, the split of its time-ordered `events` where one value of `column` drops most in share,
    with at least `min_side` events each side; the accounts whose drop reaches `min_drop`.

    Columns: userid, before (the value dropped), after (most common value after the split), share_before,
    share_after (of the dropped value), switched_at (the first event after the split).
    """
    ordered = (
        _in_time_order(events)
        .select("userid", TIME, value=pl.col(column))
        .drop_nulls("value")
        .filter(pl.len().over("userid") >= 2 * min_side)
        .with_columns(k=pl.int_range(1, pl.len() + 1).over("userid"), n=pl.len().over("userid"))
    )
    # Only a value with this many events can fill `min_side` before a split at the share needed to drop.
    candidates = (
        ordered.group_by("userid", "value")
        .agg(total=pl.len())
        .filter(pl.col("total") >= math.ceil(min_drop * min_side))
        .rename({"value": "candidate"})
    )
    splits = (
        ordered.join(candidates, on="userid")
        .sort("userid", "candidate", "k")
        .with_columns(seen=(pl.col("value") == pl.col("candidate")).cum_sum().over("userid", "candidate"))
        .filter(pl.col("k").is_between(min_side, pl.col("n") - min_side))
        .with_columns(
            share_before=pl.col("seen") / pl.col("k"),
            share_after=(pl.col("total") - pl.col("seen")) / (pl.col("n") - pl.col("k")),
        )
        .with_columns(drop=pl.col("share_before") - pl.col("share_after"))
    )
    best = (
        splits.filter(pl.col("drop") >= min_drop)
        .group_by("userid")
        .agg(pl.all().sort_by("drop", "k", descending=[True, False]).first())
        .select(
            "userid", before="candidate", split="k", share_before="share_before", share_after="share_after"
        )
    )
    after = (
        ordered.join(best.select("userid", "split"), on="userid")
        .filter(pl.col("k") > pl.col("split"))
        .group_by("userid")
        .agg(
            switched_at=pl.col(TIME).sort_by("k").first(),
            after=pl.col("value").mode().sort().first(),
        )
    )
    return best.join(after, on="userid").drop("split").sort("userid").collect()


def language_switches(
    events: pl.LazyFrame, min_side: int = MIN_SIDE_TWEETS, min_drop: float = MIN_SHARE_DROP
) -> pl.DataFrame:
    """Accounts whose own tweets change language abruptly; retweets, which carry the source's, aside."""
    own = events.filter(~pl.col("is_retweet") & ~pl.col("tweet_language").is_in(NO_LANGUAGE))
    return change_points(own, "tweet_language", min_side, min_drop)


def client_switches(
    events: pl.LazyFrame, min_side: int = MIN_SIDE_TWEETS, min_drop: float = MIN_SHARE_DROP
) -> pl.DataFrame:
    """Accounts whose tweets, retweets included, change app abruptly."""
    return change_points(events, "tweet_client_name", min_side, min_drop)


def dormancies(events: pl.LazyFrame, min_gap_days: int = DORMANCY_DAYS) -> pl.DataFrame:
    """Accounts silent for at least `min_gap_days` between two tweets: their longest silence, its first
    day's tweet (silent_from) and the tweet that ended it (reactivated_at)."""
    return (
        _in_time_order(events)
        .select("userid", TIME)
        .with_columns(silent_from=pl.col(TIME).shift().over("userid"))
        .with_columns(gap=pl.col(TIME) - pl.col("silent_from"))
        .filter(pl.col("gap") >= pl.duration(days=min_gap_days))
        .group_by("userid")
        .agg(pl.all().sort_by("gap", descending=True).first())
        .select(
            "userid",
            gap_days=pl.col("gap").dt.total_days(),
            silent_from=pl.col("silent_from"),
            reactivated_at=pl.col(TIME),
        )
        .sort("userid")
        .collect()
    )


def is_test_tweet() -> pl.Expr:
    """A tweet of the account's own that is, as a whole, "test", "test new owner", "new own" and the like;
    a sentence that merely contains "test" is not one."""
    words = (
        without_links_and_mentions(pl.col("tweet_text"))
        .str.replace_all(NOT_A_LETTER, " ")
        .str.to_lowercase()
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )
    return ~pl.col("is_retweet") & words.str.contains(TEST_WORDS)


def test_tweets(tweets: pl.LazyFrame) -> pl.DataFrame:
    """Accounts with test tweets: how many, and when the first was sent."""
    # The letters every test tweet has, looked for first: the full test then reads only the few texts
    # that have them, and no text is held in memory.
    candidates = tweets.filter(pl.col("tweet_text").str.contains(TEST_LETTERS)).select(
        "userid", TIME, "is_retweet", "tweet_text"
    )
    return (
        candidates.collect()
        .lazy()
        .filter(is_test_tweet())
        .group_by("userid")
        .agg(test_tweet_count=pl.len(), first_test_at=pl.col(TIME).min())
        .sort("userid")
        .collect()
    )


def repurposing_signals(
    tweets: pl.LazyFrame,
    min_gap_days: int = DORMANCY_DAYS,
    min_side: int = MIN_SIDE_TWEETS,
    min_drop: float = MIN_SHARE_DROP,
    min_signals: int = MIN_SIGNALS,
) -> pl.DataFrame:
    """One row per account that shows any signal: the evidence of each, `signals` (the names of those that
    fired, in SIGNALS order) and `repurposed` (at least `min_signals` fired)."""
    events = _events(tweets)
    evidence = {
        LANGUAGE_SWITCH: _prefixed(language_switches(events, min_side, min_drop), "language_"),
        DORMANT: dormancies(events, min_gap_days),
        CLIENT_SWITCH: _prefixed(client_switches(events, min_side, min_drop), "client_"),
        TEST_TWEETS: test_tweets(tweets),
    }
    accounts = pl.concat([frame.select("userid") for frame in evidence.values()]).unique()
    for frame in evidence.values():
        accounts = accounts.join(frame, on="userid", how="left")
    # A signal fired where its evidence is there: each frame holds only the accounts it fired for.
    fired = [pl.when(pl.col(column).is_not_null()).then(pl.lit(name)) for name, column in FIRED_BY.items()]
    return (
        accounts.with_columns(signals=pl.concat_list(fired).list.drop_nulls())
        .with_columns(repurposed=pl.col("signals").list.len() >= min_signals)
        .sort("userid")
    )


def _prefixed(frame: pl.DataFrame, prefix: str) -> pl.DataFrame:
    return frame.rename({c: prefix + c for c in frame.columns if c != "userid"})


class FlaggedAccount(BaseModel):
    userid: str
    signals: list[str]


class ForensicsFindings(Findings):
    repurposed_accounts: int  # accounts with at least `min_signals` signals
    language_switch_accounts: int
    dormant_reactivated_accounts: int
    client_switch_accounts: int
    test_owner_accounts: int
    test_owner_tweets: int
    flagged: list[FlaggedAccount]
    dormancy_days: int
    min_side_tweets: int
    min_share_drop: float
    min_signals: int
    screen_name_patterns: dict[str, int]  # accounts per pattern


def summarise(signals: pl.DataFrame, patterns: pl.DataFrame) -> ForensicsFindings:
    return ForensicsFindings(
        **signal_summary(signals),
        dormancy_days=DORMANCY_DAYS,
        min_side_tweets=MIN_SIDE_TWEETS,
        min_share_drop=MIN_SHARE_DROP,
        min_signals=MIN_SIGNALS,
        screen_name_patterns=dict(patterns.select("pattern", "accounts").iter_rows()),
    )


def claims(tweets: pl.LazyFrame, signals: pl.DataFrame) -> dict[str, Claim]:
    return {"repurposed_accounts": repurposed_claim(tweets, signals)}


def repurposed_claim(tweets: pl.LazyFrame, signals: pl.DataFrame) -> Claim:
    rule = CLAIM_RULES["repurposed_accounts"]
    judged = (
        tweets.group_by("userid")
        .len()
        .filter(pl.col("len") >= 2 * MIN_SIDE_TWEETS)
        .select(pl.len())
        .collect()
    ).item()
    if judged < MIN_JUDGED_ACCOUNTS:
        reason = f"only {judged} accounts have enough tweets to judge; the rule needs {MIN_JUDGED_ACCOUNTS}"
        return undecided(rule, reason, judged_accounts=judged)
    flagged = int(signals["repurposed"].sum())
    return decided(
        flagged >= max(MIN_FLAGGED_ACCOUNTS, MIN_FLAGGED_SHARE * judged),
        rule,
        judged_accounts=judged,
        flagged_accounts=flagged,
        share_flagged=round(flagged / judged, 6),
    )


def signal_summary(signals: pl.DataFrame) -> dict:
    """Accounts per signal, test tweets, and the flagged accounts with their signals."""
    fired = signals.select(pl.col("signals").list.contains(name).sum().alias(name) for name in SIGNALS).row(
        0, named=True
    )
    return {
        "repurposed_accounts": int(signals["repurposed"].sum()),
        "language_switch_accounts": fired[LANGUAGE_SWITCH],
        "dormant_reactivated_accounts": fired[DORMANT],
        "client_switch_accounts": fired[CLIENT_SWITCH],
        "test_owner_accounts": fired[TEST_TWEETS],
        "test_owner_tweets": int(signals["test_tweet_count"].sum()),
        "flagged": signals.filter("repurposed").select("userid", "signals").to_dicts(),
    }


def flagged_table(signals: pl.DataFrame) -> pl.DataFrame:
    """The flagged accounts, most signals first, with the evidence a reader checks."""
    return (
        signals.filter("repurposed")
        .select(
            "userid",
            pl.col("signals").list.join(", "),
            language=pl.concat_str("language_before", pl.lit(" → "), "language_after"),
            switched_at=pl.col("language_switched_at").dt.date(),
            dormant_days=pl.col("gap_days"),
            reactivated_at=pl.col("reactivated_at").dt.date(),
            client=pl.concat_str("client_before", pl.lit(" → "), "client_after"),
            test_tweets=pl.col("test_tweet_count"),
            n=pl.col("signals").list.len(),
        )
        .sort(["n", "userid"], descending=[True, False])
        .drop("n")
    )


# --- Batch creation ------------------------------------------------------------------------------------


def account_behaviour(users: pl.LazyFrame, tweets: pl.LazyFrame, timezone: str) -> pl.DataFrame:
    """Per account: creation day, first tweet day, tweets, and its habits: most used client and language,
    median local posting hour, most used hashtag (case folded). Accounts without tweets have nulls."""
    local_hour = pl.col(TIME).dt.convert_time_zone(timezone).dt.hour()
    activity = tweets.group_by("userid").agg(
        tweets=pl.len(),
        first_tweet=pl.col(TIME).min().dt.date(),
        median_hour=local_hour.median(),
    )
    hashtags = tweets.select("userid", hashtag=folded_hashtags(pl.col("hashtags"))).explode("hashtag")
    languages = tweets.filter(~pl.col("tweet_language").is_in(NO_LANGUAGE))
    frame = users.select("userid", created="account_creation_date").join(activity, on="userid", how="left")
    for name, habits, column in (
        ("main_client", tweets, "tweet_client_name"),
        ("main_language", languages, "tweet_language"),
        ("top_hashtag", hashtags, "hashtag"),
    ):
        frame = frame.join(_most_common(habits, column, name), on="userid", how="left")
    return frame.sort("userid").collect()


def _most_common(frame: pl.LazyFrame, column: str, name: str) -> pl.LazyFrame:
    """Each account's most frequent non-null value of `column` (ties: the first in sort order)."""
    return (
        frame.drop_nulls(column)
        .group_by("userid", column)
        .agg(count=pl.len())
        .group_by("userid")
        .agg(pl.col(column).sort_by("count", column, descending=[True, False]).first().alias(name))
    )


def batch_homogeneity(behaviour: pl.DataFrame, batches: pl.DataFrame) -> pl.DataFrame:
    """For each creation batch (`accounts.creation_batches`: date, accounts), and for all accounts as the
    baseline in the first row (so that a table's first rows show it): how alike the batch-mates behaved.

    Shares are of members with that habit who share the group's most common value; spreads are
    interquartile ranges. A batch run by one operator would show higher shares and smaller spreads than
    the baseline.
    """
    labels = batches.select(created="date", batch=pl.col("date").cast(pl.String))
    members = pl.concat(
        [
            behaviour.join(labels, on="created"),
            behaviour.with_columns(batch=pl.lit(BASELINE)),
        ]
    )
    order = pl.concat([pl.DataFrame({"batch": [BASELINE]}), labels.select("batch")])
    return order.join(_group_habits(members), on="batch", how="left", maintain_order="left")


def _group_habits(members: pl.DataFrame) -> pl.DataFrame:
    stats = members.group_by("batch").agg(
        accounts=pl.len(),
        tweeting=pl.col("tweets").is_not_null().sum(),
        median_hour_iqr=_iqr(pl.col("median_hour")),
        first_tweet_iqr_days=_iqr(pl.col("first_tweet").cast(pl.Int32)),
        median_days_to_first_tweet=(pl.col("first_tweet") - pl.col("created")).dt.total_days().median(),
    )
    for column in ("main_client", "main_language", "top_hashtag"):
        stats = stats.join(_modal_share(members, column), on="batch", how="left")
    return stats.select(
        "batch",
        "accounts",
        "tweeting",
        "main_client",
        "main_client_share",
        "main_language",
        "main_language_share",
        "top_hashtag",
        "top_hashtag_share",
        "median_hour_iqr",
        "first_tweet_iqr_days",
        "median_days_to_first_tweet",
    )


def _iqr(values: pl.Expr) -> pl.Expr:
    return values.quantile(0.75) - values.quantile(0.25)


def _modal_share(members: pl.DataFrame, column: str) -> pl.DataFrame:
    """Per group: its most common value of `column` and the share of members (with a value) who have it."""
    counts = members.drop_nulls(column).group_by("batch", column).agg(count=pl.len())
    return counts.group_by("batch").agg(
        pl.col(column).sort_by("count", column, descending=[True, False]).first(),
        (pl.col("count").max() / pl.col("count").sum()).alias(f"{column}_share"),
    )


# --- Screen names and profiles -------------------------------------------------------------------------


def screen_name_pattern() -> pl.Expr:
    """The pattern a screen name follows (SCREEN_NAME_PATTERNS); hashed accounts' names are hashes."""
    name = pl.col("user_screen_name")
    expr = pl.when(pl.col(IS_HASHED)).then(pl.lit(HASHED_PATTERN))
    for label, regexes in SCREEN_NAME_PATTERNS:
        expr = expr.when(pl.all_horizontal(name.str.contains(r) for r in regexes)).then(pl.lit(label))
    return expr.otherwise(pl.lit(OTHER_PATTERN))


def screen_name_patterns(users: pl.LazyFrame) -> pl.DataFrame:
    """Accounts per screen-name pattern, in SCREEN_NAME_PATTERNS order, hashed first."""
    labels = [HASHED_PATTERN, *(label for label, _ in SCREEN_NAME_PATTERNS), OTHER_PATTERN]
    counts = users.group_by(pattern=screen_name_pattern()).agg(accounts=pl.len()).collect()
    return (
        pl.DataFrame({"pattern": labels})
        .join(counts, on="pattern", how="left")
        .with_columns(pl.col("accounts").fill_null(0).cast(pl.Int64))
        .with_columns(share=pl.col("accounts") / pl.col("accounts").sum())
    )


def profile_completeness(users: pl.LazyFrame) -> pl.DataFrame:
    """Hashed and unhashed accounts: shares with no bio, no location, no link, none of the three (an empty,
    default-looking profile), and a display name equal to the screen name."""
    empty = {
        "no_bio": pl.col("user_profile_description").is_null(),
        "no_location": pl.col("user_reported_location").is_null(),
        "no_link": pl.col("user_profile_url").is_null(),
    }
    return (
        users.group_by(hashed=pl.col(IS_HASHED))
        .agg(
            accounts=pl.len(),
            **{name: flag.mean() for name, flag in empty.items()},
            empty_profile=pl.all_horizontal(*empty.values()).mean(),
            display_is_screen_name=(pl.col("user_display_name") == pl.col("user_screen_name")).mean(),
        )
        .sort("hashed", descending=True)
        .collect()
    )


# --- Lifelines -----------------------------------------------------------------------------------------


def lifeline_accounts(
    behaviour: pl.DataFrame, signals: pl.DataFrame, flagged: int = 300, others: int = 150, seed: int = 0
) -> pl.DataFrame:
    """The accounts to draw: the flagged ones and a seeded sample of the others that tweeted (each capped),
    flagged first, then by first tweet. Columns: userid, group, row (0 = top)."""
    tweeting = behaviour.drop_nulls("first_tweet").select("userid", "first_tweet")
    is_flagged = _is_flagged(signals)
    picked = [
        members.sample(min(cap, members.height), seed=seed).with_columns(group=pl.lit(group))
        for group, members, cap in (
            (FLAGGED, tweeting.filter(is_flagged), flagged),
            (SAMPLED, tweeting.filter(~is_flagged), others),
        )
    ]
    return (
        pl.concat(picked)
        .sort(pl.col("group") != FLAGGED, "first_tweet", "userid")
        .with_row_index("row")
        .select("userid", "group", "row")
    )


def _is_flagged(signals: pl.DataFrame) -> pl.Expr:
    return pl.col("userid").is_in(signals.filter("repurposed")["userid"].implode())


def lifelines(tweets: pl.LazyFrame, accounts: pl.DataFrame, languages: int = 6) -> pl.DataFrame:
    """Per drawn account, its active stretches: runs of adjacent weeks with tweets whose most common
    language is the same (start, end, tweets, language). The `languages` most common among the drawn
    accounts keep their code, the rest are "other"; weeks with no detected language are "undetermined"."""
    weekly = (
        tweets.join(accounts.lazy(), on="userid")
        .with_columns(
            week=pl.col(TIME).dt.truncate(WEEK).dt.date(),
            language=pl.when(~pl.col("tweet_language").is_in(NO_LANGUAGE)).then(pl.col("tweet_language")),
        )
        .group_by("userid", "group", "row", "week")
        .agg(tweets=pl.len(), language=pl.col("language").drop_nulls().mode().sort().first())
        .collect()
    )
    common = weekly.drop_nulls("language").group_by("language").agg(pl.col("tweets").sum())
    kept = common.sort(["tweets", "language"], descending=[True, False]).head(languages)["language"]
    labelled = weekly.with_columns(
        language=pl.when(pl.col("language").is_null())
        .then(pl.lit(UNDETERMINED))
        .when(pl.col("language").is_in(kept.implode()))
        .then(pl.col("language"))
        .otherwise(pl.lit(OTHER_LANGUAGE)),
        end=pl.col("week") + pl.duration(days=7),
    ).sort("row", "week")
    # One mark per run rather than per week keeps a figure of thousands of accounts light.
    new_run = (pl.col("week") != pl.col("end").shift().over("row")) | (
        pl.col("language") != pl.col("language").shift().over("row")
    )
    return (
        labelled.with_columns(run=new_run.fill_null(True).cum_sum())
        .group_by("userid", "group", "row", "run")
        .agg(
            start=pl.col("week").min(),
            end=pl.col("end").max(),
            tweets=pl.col("tweets").sum(),
            language="language",
        )
        .with_columns(pl.col("language").list.first())
        .drop("run")
        .sort("row", "start")
    )


def creation_vs_first_tweet(behaviour: pl.DataFrame, signals: pl.DataFrame) -> pl.DataFrame:
    """Accounts per (creation week, first-tweet week), flagged or not: a scatter that stays small."""
    return (
        behaviour.drop_nulls(["first_tweet", "created"])
        .group_by(
            created_week=pl.col("created").dt.truncate(WEEK),
            first_tweet_week=pl.col("first_tweet").dt.truncate(WEEK),
            group=pl.when(_is_flagged(signals)).then(pl.lit(FLAGGED)).otherwise(pl.lit(OTHERS)),
        )
        .agg(accounts=pl.len())
        .sort("group", "created_week", "first_tweet_week")
    )
