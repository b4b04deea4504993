# %% [markdown]
# # Posting rhythm
# When the operators worked: tweets by hour and weekday in the time zone the
# parameters name, the weekend and public-holiday effect, and the UTC offset
# whose clock best fits a working week. Logic: `ioreport.analysis.activity`.

# %% tags=["parameters"]
data_dir = ""  # the ingested dataset (an ingest cache directory); empty: the synthetic default
run_dir = ""  # where findings, figures and tables go; empty: runs/default
timezone = "UTC"  # IANA time zone the posting is read in
holidays = None  # country code of the public-holiday calendar, or None
working_hours = [9, 18]  # local office hours [start, end)

# %%
import altair as alt
import polars as pl

from ioreport.analysis import activity
from ioreport.pipeline.context import open_run
from ioreport.publish import theme

run = open_run(data_dir, run_dir, "activity")
tweets = run.tweets()
zone, country, hours = timezone, holidays, tuple(working_hours)
found = activity.summarise(tweets, zone, country, hours)
run.record(found, activity.claims(tweets, found))
daily = activity.daily_counts(tweets, zone, country)
found.model_dump(exclude={"offset_scores"})

# %%
#| label: fig-hour-weekday
#| fig-cap: "Tweets by hour and weekday, in the time zone named in the parameters."
weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
grid = activity.hour_weekday_counts(tweets, zone).with_columns(
    day=pl.col("weekday").map_elements(lambda d: weekdays[d - 1], return_dtype=pl.String)
)
run.figure(
    alt.Chart(grid, title=f"Tweets by local hour and weekday ({zone})")
    .mark_rect()
    .encode(
        x=alt.X("hour:O", title="Hour of day (local)"),
        y=alt.Y("day:N", sort=weekdays, title=None),
        color=alt.Color("tweets:Q", title="Tweets", scale=alt.Scale(scheme="blues")),
        tooltip=["day:N", "hour:O", "tweets:Q"],
    )
    .properties(height=200),
    "hour-weekday",
)

# %%
#| label: fig-daily-holidays
#| fig-cap: "Tweets per local day; public holidays marked in orange, weekends in grey."
base = alt.Chart(daily, title="Daily volume with weekends and public holidays")
run.figure(
    theme.zoomable(base.mark_bar(width=1.5)).encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("tweets:Q", title="Tweets per day", axis=theme.COUNT_AXIS),
        color=alt.Color(
            "day_type:N",
            title=None,
            scale=alt.Scale(
                domain=["working day", "weekend", "holiday"], range=["#0072B2", "#b0b4ba", "#E69F00"]
            ),
        ),
        tooltip=["day:T", "day_type:N", "holiday:N", "tweets:Q"],
    ),
    "daily-holidays",
)

# %%
#| label: fig-offset-inference
#| fig-cap: "How well each UTC offset's local clock fits a Monday–Friday office week (correlation with an office-hours template). The highest bar is the best fit; the text says whether it points to a time zone."
scores = pl.DataFrame(
    {"offset": [int(k) for k in found.offset_scores], "score": list(found.offset_scores.values())}
).with_columns(best=pl.col("offset") == found.inferred_utc_offset_hours)
run.figure(
    alt.Chart(scores, title="Operator time-zone inference")
    .mark_bar()
    .encode(
        x=alt.X("offset:O", title="UTC offset (hours)"),
        y=alt.Y("score:Q", title="Fit to a working week"),
        color=alt.Color(
            "best:N", legend=None, scale=alt.Scale(domain=[True, False], range=["#D55E00", "#0072B2"])
        ),
        tooltip=["offset:O", alt.Tooltip("score:Q", format=".3f")],
    ),
    "offset-inference",
)

# %%
#| label: tbl-day-types
#| tbl-cap: "Tweets per day by kind of day: working days, weekends and public holidays."
run.table(
    daily.group_by("day_type").agg(days=pl.len(), tweets_per_day=pl.col("tweets").mean()).sort("day_type"),
    "day-types",
)
