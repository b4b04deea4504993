"""What the tweets were about: topics from a keyword lexicon, their rise and fall, and the words around them.

SIO and ASPI sorted the PRC network's tweets into narratives (Hong Kong
protests, COVID-19, Guo Wengui, Taiwan, US protests) by what they said; ASPI's
Figure 1 shows the normalised mix of topics week by week. A topic here is a
list of keywords or /regular expressions/; a tweet may carry several topics.

Matching is done on a normalised text: links and @mentions removed (hashed
screen names are random base64 that can spell a keyword), hashtags added,
NFKC, Unicode case folding and traditional → simplified Chinese. Keywords are
normalised the same way, so 臺灣, 台灣 and 台湾 are one keyword, and so are
HongKong and hongkong.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import polars as pl
from pydantic import BaseModel

from ioreport.analysis.findings import Findings
from ioreport.analysis.layout import seeded_layout
from ioreport.analysis.text import folded_hashtag, normalise, to_simplified, without_links_and_mentions
from ioreport.archive.schema import TWEET_TIMESTAMP
from ioreport.config.lexicon import Lexicon, regex_body

if TYPE_CHECKING:
    import jieba

UNTAGGED = "untagged"
TEXT = "text"  # the normalised text a tweet was matched on
RAW_TEXT = "raw_text"  # the text before normalisation, while tagging
# The runs jieba segments on its own (its default "han" blocks): segmenting each distinct run once,
# instead of each distinct tweet, gives the same words in a fraction of the time.
WORD_RUN = r"[\x{4E00}-\x{9FD5}a-zA-Z0-9+#&._%\-]+"
HOST = r"^(?:[a-z][a-z0-9+.\-]*://)?(?:[^/?#@]*@)?([^/?#:]+)"
MIN_TERM_CHARS = 2
# English function words, and the debris of tweets ("rt", "amp" from &amp;).
ENGLISH_STOPWORDS = """
    a an and are as at be been but by can could did do does for from had has have he her his how i if in
    into is it its just me more most my no not now of on or our out she should so some such than that the
    their them then there these they this those to too up us was we were what when which who why will with
    would you your rt amp via
"""
# Chinese function words and fillers that jieba keeps as tokens of two or more characters.
CHINESE_STOPWORDS = """
    我们 你们 他们 她们 它们 自己 一个 一些 这个 那个 这些 那些 什么 怎么 没有 不是 就是 还是 可以 已经
    因为 所以 但是 如果 而且 以及 或者 这样 那样 只是 这是 那是 的话 必须 必将 不要 不能 不会 应该 需要
    进行 一定 还有 其他 非常 真的 问题 受到
"""
STOPWORDS = frozenset((ENGLISH_STOPWORDS + CHINESE_STOPWORDS).split())
TOP_HASHTAGS = 20
HASHTAG_TOPICS = 8  # with no lexicon, the most used hashtags stand in for topics
MAP_SEED = 20200611
MAP_HASHTAGS_PER_ACCOUNT = 5  # an account's links in the topic map: its most used hashtags
MAP_ITERATIONS = 2000


class HashtagCount(BaseModel):
    hashtag: str
    tweets: int


class NarrativesFindings(Findings):
    # The topics file's name; None when none was given and the topics are the most used hashtags ("#tag").
    lexicon: str | None
    topic_shares: dict[str, float]  # share of all tweets carrying each topic (topics overlap)
    untagged_share: float | None
    topic_pair_union_shares: dict[str, float]  # "a+b": share of tweets on either topic
    topic_peak_week: dict[str, dt.date]  # Monday of each topic's busiest local week
    top_hashtags: list[HashtagCount]


def summarise(
    tweets: pl.LazyFrame, tagged: pl.DataFrame, lexicon_name: str | None, timezone: str
) -> NarrativesFindings:
    return NarrativesFindings(
        lexicon=lexicon_name,
        **topic_shares(tagged),
        topic_pair_union_shares=pair_union_shares(tagged),
        topic_peak_week=peak_weeks(topic_over_time(tagged, timezone)),
        top_hashtags=top_hashtags(tweets, TOP_HASHTAGS).to_dicts(),
    )


def topic_pattern(entries: Sequence[str]) -> str:
    """One regular expression for a topic, over normalised text (the lexicon is validated on loading)."""
    return "|".join(_entry_pattern(entry) for entry in entries)


def _entry_pattern(entry: str) -> str:
    body = regex_body(entry)
    if body is None:
        return pl.escape_regex(normalise([entry.strip()])[0])
    # Only script and compatibility forms: case folding would turn \S into \s; (?i) stands in for it.
    return f"(?i:{to_simplified(unicodedata.normalize('NFKC', body))})"


def _match_text() -> pl.Expr:
    """Tweet text and hashtags, without links and @mentions."""
    return without_links_and_mentions(
        pl.concat_str(
            pl.col("tweet_text").fill_null(""), pl.col("hashtags").list.join(" ").fill_null(""), separator=" "
        )
    )


# --- Topics ------------------------------------------------------------------------------------------


def tag_topics(tweets: pl.LazyFrame, lexicon: Lexicon) -> pl.DataFrame:
    """Per tweet: id, account, time, hashtags, the normalised text, one flag per topic and `untagged`."""
    patterns = {topic: topic_pattern(entries) for topic, entries in lexicon.items()}
    columns = ("tweetid", "userid", TWEET_TIMESTAMP, "hashtags")
    frame = tweets.select(*columns, _match_text().alias(RAW_TEXT)).collect()
    # Retweets and copy-paste repeat texts: normalise and match each distinct text once.
    raw = frame.get_column(RAW_TEXT).unique()
    folded = pl.Series(TEXT, normalise(raw.to_list()), dtype=pl.String)  # typed even when there is no text
    texts = pl.DataFrame({RAW_TEXT: raw, TEXT: folded}).with_columns(
        pl.col(TEXT).str.contains(pattern).alias(topic) for topic, pattern in patterns.items()
    )
    return (
        frame.join(texts, on=RAW_TEXT, how="left", maintain_order="left")
        .drop(RAW_TEXT)
        .with_columns(pl.any_horizontal(pl.lit(False), *patterns).not_().alias(UNTAGGED))
    )


def hashtag_lexicon(tweets: pl.LazyFrame, n: int = HASHTAG_TOPICS) -> Lexicon:
    """With no lexicon given, the data's own topics: its `n` most used hashtags, each named "#tag" and
    matched as a whole word in a tweet's text or hashtags."""
    tags = top_hashtags(tweets, n)["hashtag"].to_list()
    return {f"#{tag}": [f"/(?:^|\\W){pl.escape_regex(tag)}(?:\\W|$)/"] for tag in tags}


def topic_columns(tagged: pl.DataFrame) -> list[str]:
    """The topics of a tagged frame, in lexicon order."""
    return [name for name, dtype in tagged.schema.items() if dtype == pl.Boolean and name != UNTAGGED]


def topic_counts(tagged: pl.DataFrame) -> pl.DataFrame:
    """Tweets carrying each topic and their share of all tweets (topics overlap), `untagged` last."""
    return (
        tagged.select(pl.col(*topic_columns(tagged), UNTAGGED).sum())
        .unpivot(variable_name="topic", value_name="tweets")
        .with_columns(share=pl.col("tweets") / tagged.height)
    )


def topic_shares(tagged: pl.DataFrame) -> dict:
    """{"topic_shares": {topic: share of all tweets}, "untagged_share": share with no topic}."""
    shares = dict(topic_counts(tagged).select("topic", "share").iter_rows())
    untagged = shares.pop(UNTAGGED)
    return {"topic_shares": shares, "untagged_share": untagged}


def pair_union_shares(tagged: pl.DataFrame) -> dict[str, float]:
    """Share of tweets on either topic of each pair ("a+b"), each tweet once: SIO's "coronavirus, Hong Kong,
    or both"."""
    topics = sorted(topic_columns(tagged))
    pairs = [(a, b) for i, a in enumerate(topics) for b in topics[i + 1 :]]
    if not pairs:
        return {}
    row = tagged.select((pl.col(a) | pl.col(b)).mean().alias(f"{a}+{b}") for a, b in pairs).row(0, named=True)
    return dict(row)


def topic_overlap(tagged: pl.DataFrame) -> pl.DataFrame:
    """Tweets carrying both the row's and the column's topic; the diagonal is each topic's total."""
    topics = topic_columns(tagged)
    return pl.concat(
        tagged.filter(pl.col(topic)).select(pl.lit(topic).alias("topic"), pl.col(topics).sum())
        for topic in topics
    )


def topic_over_time(tagged: pl.DataFrame, timezone: str, every: str = "1w") -> pl.DataFrame:
    """Per local period (weeks start on Monday) and topic: tweets, and share among the period's topic tweets.

    The share is ASPI's normalised distribution: a tweet with two topics counts once for each.
    """
    topics = topic_columns(tagged)
    local = pl.col(TWEET_TIMESTAMP).dt.convert_time_zone(timezone)
    counts = tagged.group_by(period=local.dt.truncate(every).dt.date()).agg(pl.col(topics).sum())
    periods = pl.DataFrame(
        {"period": pl.date_range(counts["period"].min(), counts["period"].max(), every, eager=True)}
    )
    return (
        periods.join(counts, on="period", how="left")
        .fill_null(0)
        .unpivot(index="period", on=topics, variable_name="topic", value_name="tweets")
        .with_columns(share=(pl.col("tweets") / pl.col("tweets").sum().over("period")).fill_nan(0.0))
        .sort("period", pl.col("topic").cast(pl.Enum(topics)))
    )


def peak_weeks(over_time: pl.DataFrame) -> dict[str, str]:
    """Each topic's busiest period (most tweets; the earliest of equals) as an ISO date."""
    peaks = (
        over_time.filter(pl.col("tweets") > 0)
        .sort(["tweets", "period"], descending=[True, False])
        .group_by("topic", maintain_order=True)
        .first()
    )
    order = over_time["topic"].unique(maintain_order=True).to_list()
    found = {topic: period.isoformat() for topic, period in peaks.select("topic", "period").iter_rows()}
    return {topic: found[topic] for topic in order if topic in found}


# --- What was shared ---------------------------------------------------------------------------------


def _top(items: pl.LazyFrame, name: str, n: int) -> pl.DataFrame:
    """Tweets per item (once per tweet), most first, ties by item."""
    return (
        items.drop_nulls(name)
        .unique()
        .group_by(name)
        .agg(tweets=pl.len())
        .sort(["tweets", name], descending=[True, False])
        .head(n)
        .collect()
    )


def _folded_hashtags(tweets: pl.LazyFrame, *keep: str) -> pl.LazyFrame:
    """One row per tweet and hashtag (tweetid, `keep`, hashtag), hashtags folded."""
    return (
        tweets.select("tweetid", *keep, hashtag=pl.col("hashtags"))
        .explode("hashtag")
        .with_columns(folded_hashtag(pl.col("hashtag")))
        .filter(pl.col("hashtag").str.len_chars() > 0)
    )


def top_hashtags(tweets: pl.LazyFrame, n: int = 20) -> pl.DataFrame:
    """The most used hashtags (case folded): hashtag, tweets."""
    return _top(_folded_hashtags(tweets), "hashtag", n)


def top_mentions(tweets: pl.LazyFrame, n: int = 20) -> pl.DataFrame:
    """The accounts most @mentioned, by screen name where the archive has it: account, tweets.

    Retweets are left out: their first mention is only the retweeted author.
    """
    mentioned = (
        tweets.filter(pl.col("is_retweet").fill_null(False).not_())
        .select("tweetid", userid=pl.col("user_mentions"))
        .explode("userid")
    )
    names = tweets.group_by("userid").agg(screen_name=pl.col("user_screen_name").max())
    return (
        _top(mentioned, "userid", n)
        .join(names.collect(), on="userid", how="left", maintain_order="left")
        .select(account=pl.coalesce("screen_name", "userid"), tweets="tweets")
    )


def top_domains(tweets: pl.LazyFrame, n: int = 20) -> pl.DataFrame:
    """The web sites most linked to (host without www.): domain, tweets."""
    hosts = (
        tweets.select("tweetid", url=pl.col("urls"))
        .explode("url")
        .select("tweetid", domain=pl.col("url").str.to_lowercase().str.extract(HOST, 1))
        .with_columns(pl.col("domain").str.strip_prefix("www."))
    )
    return _top(hosts, "domain", n)


# --- Words -------------------------------------------------------------------------------------------


@cache
def _segmenter() -> jieba.Tokenizer:
    import jieba  # loaded when used: a run reusing every section never needs it

    jieba.setLogLevel(60)  # silence the dictionary-loading chatter
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _terms(run: str) -> list[str]:
    """The words of one run of text worth counting: no stopwords, numbers, symbols or single characters."""
    words = (word.strip() for word in _segmenter().lcut(run))
    return sorted(
        {
            word
            for word in words
            if len(word) >= MIN_TERM_CHARS and word not in STOPWORDS and any(ch.isalpha() for ch in word)
        }
    )


def top_terms(tagged: pl.DataFrame, n: int = 10) -> pl.DataFrame:
    """Each topic's most frequent words (Chinese segmented with jieba): topic, rank, term, tweets."""
    topics = topic_columns(tagged)
    texts = tagged.filter(pl.col(UNTAGGED).not_()).group_by(TEXT).agg(pl.col(topics).sum())
    runs = texts.select(TEXT, run=pl.col(TEXT).str.extract_all(WORD_RUN)).explode("run").drop_nulls()
    distinct = runs.get_column("run").unique().to_list()
    terms = pl.DataFrame(
        {"run": distinct, "term": [_terms(run) for run in distinct]},
        schema={"run": pl.String, "term": pl.List(pl.String)},
    ).explode("term")
    counts = (
        runs.join(terms.drop_nulls("term"), on="run")
        .select(TEXT, "term")
        .unique()  # a word counts once per tweet
        .join(texts, on=TEXT)
        .group_by("term")
        .agg(pl.col(topics).sum())
        .unpivot(index="term", on=topics, variable_name="topic", value_name="tweets")
        .filter(pl.col("tweets") > 0)
    )
    return (
        counts.sort(
            [pl.col("topic").cast(pl.Enum(topics)), "tweets", "term"], descending=[False, True, False]
        )
        .group_by("topic", maintain_order=True)
        .head(n)
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("topic"))
        .select("topic", "rank", "term", "tweets")
    )


def terms_table(terms: pl.DataFrame) -> pl.DataFrame:
    """`top_terms` side by side: a rank column, then per topic its term and tweet count at that rank."""
    cells = terms.with_columns(cell=pl.format("{} ({})", "term", "tweets"))
    return cells.pivot("topic", index="rank", values="cell", sort_columns=False).sort("rank")


# --- Topic map ---------------------------------------------------------------------------------------


def _dominant_topic(frame: pl.DataFrame, key: str, topics: list[str]) -> pl.DataFrame:
    """Per `key`: the topic most of its tweets carry (lexicon order breaks ties), else `untagged`."""
    order = pl.Enum(topics)
    return (
        frame.group_by(key)
        .agg(pl.col(topics).sum())
        .unpivot(index=key, on=topics, variable_name="topic", value_name="tweets")
        .filter(pl.col("tweets") > 0)
        .sort([key, "tweets", pl.col("topic").cast(order)], descending=[False, True, False])
        .group_by(key, maintain_order=True)
        .first()
        .select(key, "topic")
    )


def topic_map(
    tagged: pl.DataFrame, hashtags: int = 40, accounts_per_topic: int = 20, seed: int = MAP_SEED
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Accounts and the hashtags they use, laid out so that hashtags used by the same accounts sit together.

    A bipartite network: an edge joins an account to a hashtag, weighted by the tweets in which the
    account used it. To stay legible (and quick to draw) it keeps the most used hashtags; for each topic,
    the accounts whose main topic it is that use those hashtags most; and for each account, the edges to
    its few most used hashtags. Returns nodes (node, kind, topic, tweets, x, y)
    and edges (source, target, weight, x, y, x2, y2); the same data and seed give the same layout.
    """
    topics = topic_columns(tagged)
    uses = _folded_hashtags(tagged.lazy(), "userid", *topics).collect()
    kept_tags = _top(uses.lazy().select("tweetid", "hashtag"), "hashtag", hashtags)["hashtag"]
    uses = uses.filter(pl.col("hashtag").is_in(kept_tags.implode()))
    account_topics = _dominant_topic(tagged, "userid", topics)
    # Per topic rather than overall: the busiest accounts overall are generalists that hide the clusters.
    kept_accounts = (
        uses.group_by("userid")
        .agg(tweets=pl.col("tweetid").n_unique())
        .join(account_topics, on="userid")
        .sort(["tweets", "userid"], descending=[True, False])
        .group_by("topic", maintain_order=True)
        .head(accounts_per_topic)["userid"]
    )
    edges = (
        uses.filter(pl.col("userid").is_in(kept_accounts.implode()))
        .group_by(source="userid", target="hashtag")
        .agg(weight=pl.len())
        .sort(["source", "weight", "target"], descending=[False, True, False])
        .group_by("source", maintain_order=True)
        .head(MAP_HASHTAGS_PER_ACCOUNT)
    )
    nodes = pl.concat(
        [
            _map_nodes(edges, "target", "hashtag", _dominant_topic(uses, "hashtag", topics)),
            _map_nodes(edges, "source", "account", account_topics),
        ]
    )
    return _lay_out(nodes, edges, seed)


def _map_nodes(edges: pl.DataFrame, end: str, kind: str, dominant: pl.DataFrame) -> pl.DataFrame:
    return (
        edges.group_by(node=end)
        .agg(tweets=pl.col("weight").sum())
        .join(dominant.rename({dominant.columns[0]: "node"}), on="node", how="left")
        .select("node", pl.lit(kind).alias("kind"), pl.col("topic").fill_null(UNTAGGED), "tweets")
        .sort("node")
    )


def _lay_out(nodes: pl.DataFrame, edges: pl.DataFrame, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Fruchterman–Reingold from seeded starting points, with igraph's random numbers seeded too."""
    import igraph  # loaded when used: a run reusing every section never needs it

    index = {(kind, node): i for i, (kind, node) in enumerate(nodes.select("kind", "node").iter_rows())}
    ends = edges.select("source", "target").iter_rows()
    graph = igraph.Graph(n=nodes.height, edges=[(index["account", s], index["hashtag", t]) for s, t in ends])
    # Squared shares of each account's hashtag use: an account is drawn to the hashtags it mostly uses,
    # not to the ones everybody uses now and then (which would pull the whole map into one knot).
    attraction = edges.select((pl.col("weight") / pl.col("weight").sum().over("source")) ** 2)
    coords = seeded_layout(graph, attraction.to_series().to_list(), seed, MAP_ITERATIONS)
    nodes = nodes.with_columns(x=pl.Series(coords[:, 0]), y=pl.Series(coords[:, 1]))
    accounts = nodes.filter(pl.col("kind") == "account").select(source="node", x="x", y="y")
    hashtags = nodes.filter(pl.col("kind") == "hashtag").select(target="node", x2="x", y2="y")
    edges = edges.join(accounts, on="source").join(hashtags, on="target")
    return nodes, edges
