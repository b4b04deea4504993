# %% [markdown]
# # Coordination
# Accounts that did the same thing within seconds of each other, again and again, more often than chance
# would have them: retweeted the same tweet (co-retweet), posted the same text (co-tweet) or nearly the
# same (near-duplicate), pushed the same hashtags (co-hashtag), shared the same link (co-link) or answered
# the same tweet (co-reply). In each network two accounts are linked by the distinct items they both used
# within its time window, when accounts acting independently would hardly ever coincide so much (each
# item as popular and bursty as it was: viral tweets, stock phrases and trending hashtags say little).
# Leiden finds the communities, in each network and in all of them combined. Every link keeps its
# evidence and its chance. Logic: `ioreport.analysis.coordination`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default
topics = None  # the lexicon, {"file": name, "topics": {topic: [keyword or /regex/, ...]}}, or None
# Per network: the window within which two uses of an item link two accounts, the distinct items an
# edge needs, and the largest chance an edge may have (`ioreport.config.coordination`).
coordination = {
    "co_retweet": {"window_seconds": 120.0, "min_weight": 2, "chance_threshold": 0.01},
    "co_tweet": {"window_seconds": 120.0, "min_weight": 2, "chance_threshold": 0.01},
    "near_duplicate": {"window_seconds": 120.0, "min_weight": 2, "chance_threshold": 0.01},
    "co_hashtag": {"window_seconds": 120.0, "min_weight": 2, "chance_threshold": 0.01},
    "co_link": {"window_seconds": 120.0, "min_weight": 2, "chance_threshold": 0.01},
    "co_reply": {"window_seconds": 120.0, "min_weight": 2, "chance_threshold": 0.01},
}

# %%
import altair as alt

from ioreport.analysis.coordination import figures, section, tables
from ioreport.pipeline.context import open_run
from ioreport.publish import theme

TOP_CLUSTERS = 5  # the largest communities shown with their evidence
ITEMS_PER_CLUSTER = 2  # five communities, two items each: the ten rows a table shows

run = open_run(data_dir, run_dir, "coordination")
result = section.analyse(run.tweets(), coordination, topics["topics"] if topics else None)
networks, memberships, clusters = result.networks, result.memberships, result.clusters
combined, members = result.combined, memberships[tables.COMBINED]
run.record(result.findings, result.claims)
run.text(
    f"{combined.accounts:,} accounts are linked beyond chance in at least one network, in "
    f"{members['community'].n_unique():,} communities of the combined network. Edges beyond chance (of "
    "the candidates at each window and minimum weight): "
    + "; ".join(
        f"{name} {n.edges.height:,} of {n.candidate_edges.height:,}"
        for name, n in networks.items()
        if name != tables.COMBINED
    )
    + "."
)

# %%
#| label: tbl-coordination-networks
#| tbl-cap: "The coordination networks: time window, minimum edge weight (distinct shared items), chance threshold, the candidate edges at that window and weight, and what each found beyond chance."
run.table(tables.overview(networks, memberships), "networks")

# %%
#| label: fig-coordination-network
#| fig-cap: "The 12 largest communities of the combined network, each laid out on its own, largest first, with the networks its members shared items in (copy: co-tweet); a line is an edge inside a community (thicker: more shared items). The eight largest are in colour."
NO_COMMUNITIES = (
    "_No coordinated communities beyond chance at these windows, minimum weights and thresholds._"
)
if members.height == 0:
    run.text(NO_COMMUNITIES)
else:
    layout = figures.community_layout(combined.edges, members)
    labels = figures.cell_labels(layout.cells, clusters)
    x = alt.X("x:Q", axis=None, scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("y:Q", axis=None, scale=alt.Scale(nice=False, zero=False))
    coloured = list(range(1, len(theme.PALETTE) + 1))
    colour = alt.Color("community:N", scale=alt.Scale(domain=coloured, range=theme.PALETTE), legend=None)
    label = alt.Chart(labels).mark_text(align="left", baseline="top", dx=4).encode(x=x, y=y)
    run.figure(
        alt.layer(
            alt.Chart(layout.lines)
            .mark_rule(color=theme.MUTED, opacity=0.6)
            .encode(x=x, y=y, x2="x2:Q", y2="y2:Q", strokeWidth=alt.StrokeWidth("weight:Q", legend=None)),
            alt.Chart(layout.nodes)
            .mark_circle(size=70, opacity=1, stroke="white", strokeWidth=0.8)
            .encode(
                x=x,
                y=y,
                color=alt.condition(f"datum.community <= {len(coloured)}", colour, alt.value(theme.MUTED)),
                tooltip=["userid:N", "community:Q"],
            ),
            label.mark_text(align="left", baseline="top", dx=4, dy=4, fontSize=11, fontWeight=600).encode(
                text="title:N"
            ),
            label.mark_text(align="left", baseline="top", dx=4, dy=19, fontSize=9, color=theme.MUTED).encode(
                text="networks:N"
            ),
        ).properties(
            title="Coordinated communities (combined network)",
            width=theme.CHART_WIDTH,
            height=round(theme.CHART_WIDTH * layout.aspect),
        ),
        "network",
    )

# %%
#| label: fig-coordination-cluster-sizes
#| fig-cap: "Communities by size (accounts), in each network and combined."
if members.height == 0:
    run.text(NO_COMMUNITIES)
else:
    run.figure(
        alt.Chart(tables.size_distribution(memberships), title="Community sizes")
        .mark_bar()
        .encode(
            x=alt.X("size:O", title="Accounts in the community", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("communities:Q", title="Communities", axis=theme.COUNT_AXIS),
            color=alt.Color("network:N", title=None, sort=list(networks)),
            xOffset=alt.XOffset("network:N", sort=list(networks)),
            tooltip=["network:N", "size:O", "communities:Q"],
        ),
        "cluster-sizes",
    )

# %%
#| label: tbl-coordination-clusters
#| tbl-cap: "Communities of the combined network, largest first, a row each: size, the networks its members shared items in, the distinct items and tweets behind it, when, its three most active members, and the chance of the weakest link holding it together. The CSV has every community with all its members, topics and top hashtags."
if members.height == 0:
    run.text(NO_COMMUNITIES)
else:
    run.table(tables.flat_clusters(clusters), "clusters", columns=tables.CLUSTER_COLUMNS)

# %%
#| label: tbl-coordination-evidence
#| tbl-cap: "Evidence for the largest communities: the items most of their members shared, how many tweets used them and when, one of their texts, and the chance of the strongest edge each is behind. The CSV lists the tweet ids."
if members.height == 0:
    run.text(NO_COMMUNITIES)
else:
    run.table(
        tables.cluster_evidence(members, combined, TOP_CLUSTERS, ITEMS_PER_CLUSTER),
        "evidence",
        columns=tables.EVIDENCE_COLUMNS,
    )

# %% [markdown]
# ## Amplification
# Whose tweets the coordinated accounts passed on: each other's (an operation amplifying itself), other
# accounts of the archive, or accounts outside it. The rest of the archive is shown for comparison.

# %%
#| label: fig-coordination-amplification
#| fig-cap: "Whose tweets were retweeted, by the coordinated accounts (in any network) and by the other accounts of the archive."
run.figure(
    alt.Chart(result.amplification, title="Who retweets whom")
    .mark_bar()
    .encode(
        y=alt.Y("retweeter:N", title=None, sort=list(figures.RETWEETED)),
        x=alt.X("share:Q", title="Share of their retweets", axis=alt.Axis(format="%"), stack="normalize"),
        color=alt.Color("retweeted:N", title="Retweeted", sort=list(figures.RETWEETED)),
        order=alt.Order("order:Q"),
        tooltip=["retweeter:N", "retweeted:N", "retweets:Q", alt.Tooltip("share:Q", format=".1%")],
    )
    .transform_calculate(order=f"indexof({list(figures.RETWEETED)}, datum.retweeted)")
    .properties(height=90),
    "amplification",
)
