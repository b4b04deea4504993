"""`ioreport compare`: several runs side by side in one self-contained HTML page.

Also what `ioreport diff` shares with it: reading a run directory, and the page shell, which
inlines the report's stylesheet and the CJK glyphs the page uses, so it loads nothing from the
network and Chinese renders without system fonts.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ioreport.analysis.findings import lookup
from ioreport.config.paths import REPORTS_DIR
from ioreport.config.rundir import RunDir
from ioreport.errors import InputError
from ioreport.publish.fonts import font_css
from ioreport.publish.format import format_value, html_table
from ioreport.publish.svg_ids import scope_svg_ids

# The headline findings set side by side, as (row label, dotted key); rows no run has are left out.
KEY_FINDINGS: tuple[tuple[str, str], ...] = (
    ("Accounts", "dataset.accounts"),
    ("Tweets", "dataset.tweets"),
    ("First tweet (UTC)", "dataset.first_tweet"),
    ("Last tweet (UTC)", "dataset.last_tweet"),
    ("Accounts with 0 followers", "accounts.share_zero_followers"),
    ("Accounts with fewer than 8 followers", "accounts.share_under_8_followers"),
    ("Median followers", "accounts.median_followers"),
    ("Largest creation day", "accounts.largest_creation_day"),
    ("Accounts created that day", "accounts.largest_creation_day_accounts"),
    ("Time zone analysed", "activity.timezone"),
    ("Tweets in local working hours", "activity.working_hours_share"),
    ("Tweets at weekends", "activity.weekend_share"),
    ("Inferred UTC offset (hours)", "activity.inferred_utc_offset_hours"),
    ("Tweets with no engagement", "engagement.share_tweets_zero_engagement"),
    ("Tweets from 0-follower accounts with > 50 likes", "engagement.zero_follower_tweets_over_50_likes"),
    (
        "Tweets from 0-follower accounts with > 10 retweets",
        "engagement.zero_follower_tweets_over_10_retweets",
    ),
    ("Tweets matching no topic", "narratives.untagged_share"),
)
NOT_IN_RUN = "n/a"  # a finding one of the runs has no value for
TOPIC_SHARES = "narratives.topic_shares"  # {topic: share}: one row per topic any run found
# The charts set side by side for each run: (figure file stem, caption).
RUN_FIGURES: tuple[tuple[str, str], ...] = (
    ("activity-hour-weekday", "Posting rhythm: tweets by local hour and weekday"),
    ("narratives-topic-timeline", "Topics over time"),
)
# What these pages add to the report's stylesheet: a wider page, charts in a row, the badge.
PAGE_CSS = """
body.ioreport-page { max-width: 90rem; }
.run-path { color: var(--muted); font-size: 0.85rem; margin-top: 0; }
.side-by-side { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 1.5rem; }
.side-by-side figure { margin: 0; }
.side-by-side svg { display: block; max-width: 100%; height: auto; }
.synthetic-badge {
  display: inline-block; margin-left: 0.5em; padding: 0.1em 0.6em; border: 2px solid var(--warning);
  border-radius: 1em; background: #fff8c5; color: #4d2d00; font-size: 0.8rem; font-weight: 600;
  vertical-align: middle;
}
"""


@dataclass(frozen=True)
class Run:
    """A run directory as written by `ioreport run`."""

    path: Path
    findings: dict[str, Any]
    manifest: dict[str, Any]  # empty when the run has none

    @property
    def name(self) -> str:
        return str(lookup(self.findings, "dataset.name") or self.path.name)

    @property
    def synthetic(self) -> bool:
        return lookup(self.findings, "dataset.synthetic") is True


def load_run(path: Path) -> Run:
    run = RunDir(Path(path))
    if not run.findings.is_file():
        raise InputError(f"{run.root} is not an ioreport run directory: it has no {run.findings.name}")
    manifest = _read_json(run.manifest) if run.manifest.exists() else {}
    return Run(run.root, _read_json(run.findings), manifest)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    if not isinstance(value, dict):
        raise InputError(f"{path} does not hold a JSON object")
    return value


def html_page(title: str, body: str) -> str:
    """A self-contained page around `body` (markup whose text is already escaped)."""
    styles = (REPORTS_DIR / "styles.css").read_text(encoding="utf-8")
    fonts = font_css(title + body)  # subset to exactly the glyphs this page shows, SVG text included
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{fonts}{styles}{PAGE_CSS}</style>\n</head>\n"
        f'<body class="ioreport-page">\n{body}\n</body>\n</html>\n'
    )


def compare_runs(runs: list[Run]) -> str:
    """The comparison page: key findings in a table, one column per run, then each run's charts."""
    if len({run.path.resolve() for run in runs}) < len(runs):
        raise InputError("a run directory is given more than once")
    body = [
        "<h1>Runs compared</h1>",
        "<h2>Key findings</h2>",
        html_table(key_findings_table(runs)),
        *(_run_section(index, run) for index, run in enumerate(runs, start=1)),
    ]
    return html_page("ioreport: runs compared", "\n".join(body))


def key_findings_table(runs: list[Run]) -> pl.DataFrame:
    """One row per headline finding present in any run, one column per run; "n/a" where missing."""
    titles = _column_titles(runs)
    rows = [
        {
            "finding": label,
            **{
                title: format_value(value, key, missing=NOT_IN_RUN)
                for title, value in zip(titles, values, strict=True)
            },
        }
        for label, key, values in _key_findings(runs)
        if any(value is not None for value in values)
    ]
    return pl.DataFrame(rows, schema=["finding", *titles])


def _key_findings(runs: list[Run]) -> Iterator[tuple[str, str, list[Any]]]:
    """(label, dotted key, one value per run): the headline findings, then each topic any run found."""
    for label, key in KEY_FINDINGS:
        yield label, key, [lookup(run.findings, key) for run in runs]
    # By mapping, not dotted key: a topic is named in the user's lexicon and may hold a dot.
    shares = [lookup(run.findings, TOPIC_SHARES) or {} for run in runs]
    for topic in dict.fromkeys(topic for run_shares in shares for topic in run_shares):
        yield (
            f"Topic share: {topic}",
            f"{TOPIC_SHARES}.{topic}",
            [run_shares.get(topic) for run_shares in shares],
        )


def _column_titles(runs: list[Run]) -> list[str]:
    """Dataset names, marked when synthetic; with the directory when two runs share a name."""
    titles = [run.name + (" (synthetic)" if run.synthetic else "") for run in runs]
    if len(set(titles)) < len(titles):
        titles = [f"{title} — {run.path}" for title, run in zip(titles, runs, strict=True)]
    return titles


def _run_section(index: int, run: Run) -> str:
    badge = ' <span class="synthetic-badge">synthetic data</span>' if run.synthetic else ""
    figures = "".join(_figure(run, stem, caption, scope=f"run{index}") for stem, caption in RUN_FIGURES)
    return (
        f'<section class="run">\n<h2>{html.escape(run.name)}{badge}</h2>\n'
        f'<p class="run-path">{html.escape(str(run.path))}</p>\n'
        f'<div class="side-by-side">{figures}</div>\n</section>'
    )


def _figure(run: Run, stem: str, caption: str, scope: str) -> str:
    path = RunDir(run.path).figures / f"{stem}.svg"
    if not path.is_file():
        return (
            f'<p class="output-missing">Figure missing: {html.escape(run.name)} has no '
            f"{html.escape(f'{path.parent.name}/{path.name}')}</p>"
        )
    # vl-convert's SVG, its text escaped, is inlined as the report inlines it; ids are scoped per run
    # because every chart numbers its gradients and clip paths from the same start.
    svg = scope_svg_ids(path.read_text(encoding="utf-8"), f"{scope}-{stem}")
    return f'<figure class="ioreport-figure">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'
