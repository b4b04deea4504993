# %% [markdown]
# # Narratives
# What the network tweeted about: topics found with a keyword lexicon (Hong
# Kong protests, COVID-19, Guo Wengui, Taiwan, US protests for the PRC
# networks), how the mix shifted week by week (ASPI's Figure 1), and the
# hashtags, words, accounts and sites that carried them. A tweet may carry
# several topics; traditional and simplified Chinese match alike.
# Logic: `ioreport.analysis.narratives`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default
timezone = "UTC"  # IANA time zone the posting is read in
topics = None  # the lexicon, {"file": name, "topics": {topic: [keyword or /regex/, ...]}}, or None

# %%
import altair as alt
import polars as pl

from ioreport.analysis import narratives
from ioreport.pipeline.context import open_run
from ioreport.publish import theme
from ioreport.publish.format import count, escape_markdown, format_value

run = open_run(data_dir, run_dir, "narratives")
tweets = run.tweets()
# No lexicon given: the most used hashtags stand in for topics, named "#tag".
lexicon = topics["topics"] if topics else narratives.hashtag_lexicon(tweets)
tagged = narratives.tag_topics(tweets, lexicon)
topic_names = narratives.topic_columns(tagged)
over_time = narratives.topic_over_time(tagged, timezone)
found = narratives.summarise(tweets, tagged, topics["file"] if topics else None, timezone)
run.record(found)
peaks = {topic: week.isoformat() for topic, week in found.topic_peak_week.items()}
# One colour per topic in every chart; no topic in grey.
topic_colours = alt.Scale(domain=topic_names, range=theme.PALETTE[: len(topic_names)])
map_colours = alt.Scale(domain=[*topic_names, narratives.UNTAGGED], range=[*topic_colours.range, theme.MUTED])
counts = narratives.topic_counts(tagged)
tagged_share = 1 - counts.filter(pl.col("topic") == narratives.UNTAGGED)["share"][0]
source = (
    f"Lexicon {escape_markdown(topics['file'])}: {count(len(topic_names), 'topic')}."
    if topics
    else "No lexicon was given (`topics:` in the parameters), so the topics here are the "
    f"{count(len(topic_names), 'most used hashtag')}, each matched as a whole word."
)
busiest = "; ".join(f"{escape_markdown(t)} {week}" for t, week in peaks.items())
run.text(
    f"{source} {format_value(tagged_share, 'share')} of {count(tagged.height, 'tweet')} carry at least one."
    + (f" Busiest weeks: {busiest}." if busiest else "")
)

# %%
#| label: fig-topic-timeline
#| fig-cap: "Weekly mix of topics: each topic's share of the week's topic tweets (local weeks, from Monday)."
pick, faded = theme.legend_filter("topic", "topic_pick")
run.figure(
    theme.zoomable(alt.Chart(over_time, title="Topics over time, normalised by week"))
    .add_params(pick)
    .mark_area(interpolate="step-after")
    .encode(
        opacity=faded,
        x=alt.X("period:T", title="Week", axis=alt.Axis(format="%b %Y", labelAngle=0)),
        y=alt.Y(
            "share:Q",
            title="Share of topic tweets",
            stack="zero",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1], nice=False),
        ),
        color=alt.Color("topic:N", title=None, scale=topic_colours, sort=topic_names),
        tooltip=["period:T", "topic:N", "tweets:Q", alt.Tooltip("share:Q", format=".1%")],
    )
    .properties(height=300),
    "topic-timeline",
)

# %%
#| label: tbl-topic-shares
#| tbl-cap: "Tweets carrying each topic, their share of all tweets (topics overlap), and the week (from Monday, local time) in which each topic peaked."
peak_table = pl.DataFrame({"topic": list(peaks), "peak week": list(peaks.values())})
run.table(counts.join(peak_table, on="topic", how="left", maintain_order="left"), "topic-shares")

# %%
#| label: tbl-topic-overlap
#| tbl-cap: "Tweets carrying both topics (row and column); the diagonal is each topic's total."
run.table(narratives.topic_overlap(tagged), "topic-overlap")

# %%
#| label: tbl-top-hashtags
#| tbl-cap: "The 20 most used hashtags (case folded), by tweets using them."
run.table(narratives.top_hashtags(tweets, narratives.TOP_HASHTAGS), "top-hashtags")

# %%
#| label: tbl-top-terms
#| tbl-cap: "Each topic's ten most frequent words, by tweets using them (Chinese segmented with jieba)."
run.table(narratives.terms_table(narratives.top_terms(tagged, 10)), "top-terms")

# %%
#| label: tbl-top-mentions-domains
#| tbl-cap: "The most @mentioned accounts (retweets left out) and the most linked web sites, by tweets."
mentions = narratives.top_mentions(tweets, 15).rename({"account": "mentioned account", "tweets": "mentions"})
domains = narratives.top_domains(tweets, 15).rename({"domain": "linked domain", "tweets": "links"})
run.table(pl.concat([mentions, domains], how="horizontal_extend"), "top-mentions-domains")

# %% [markdown]
# ## Topic map
# Accounts joined to the hashtags they used: hashtags used by the same
# accounts sit together, and an account between two clusters pushed both
# narratives. Drawn: the 40 most used hashtags, for each topic the 20 accounts
# whose main topic it is that use them most, and each account's five most
# used hashtags.

# %%
#| label: fig-topic-map
#| fig-cap: "Accounts (small dots) and the hashtags they used (labelled), coloured by their main topic."
nodes, edges = narratives.topic_map(tagged)
hidden = alt.Axis(title=None, labels=False, ticks=False, domain=False, grid=False)
x = alt.X("x:Q", axis=hidden, scale=alt.Scale(zero=False))
y = alt.Y("y:Q", axis=hidden, scale=alt.Scale(zero=False))
colour = alt.Color("topic:N", title=None, scale=map_colours)
hashtag_nodes = alt.Chart(nodes).transform_filter(alt.datum.kind == "hashtag")
run.figure(
    alt.layer(
        alt.Chart(edges)
        .mark_rule(color=theme.MUTED, opacity=0.3, strokeWidth=0.6)
        .encode(x=x, y=y, x2="x2", y2="y2"),
        alt.Chart(nodes)
        .transform_filter(alt.datum.kind == "account")
        .mark_circle(size=22, opacity=0.75)
        .encode(x=x, y=y, color=colour, tooltip=["node:N", "topic:N", "tweets:Q"]),
        hashtag_nodes.mark_circle(opacity=0.95, stroke="white", strokeWidth=1).encode(
            x=x,
            y=y,
            color=colour,
            size=alt.Size("tweets:Q", scale=alt.Scale(range=[40, 500]), legend=None),
            tooltip=["node:N", "topic:N", "tweets:Q"],
        ),
        hashtag_nodes.mark_text(dy=-11, fontSize=10.5, fontWeight=600).encode(x=x, y=y, text="node:N"),
    ).properties(title="Topic map: accounts and hashtags", height=520),
    "topic-map",
)
