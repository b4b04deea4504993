import datetime as dt

import polars as pl

from ioreport.publish.format import TABLE_TEXT_CHARS, format_value, html_table


def test_tables_escape_every_cell_and_header():
    frame = pl.DataFrame({"<b>name</b>": ["<script>alert(1)</script>"], "note": ['"quoted" & <i>']})
    table = html_table(frame)
    assert "<script>" not in table and "<b>" not in table and "<i>" not in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table and "&amp;" in table


def test_table_cells_read_as_a_researcher_expects():
    frame = pl.DataFrame(
        {
            "tweetid": [1216890635261159574],
            "tweets": [1234567],
            "window_seconds": [60.0],
            "share": [0.2423],
            "tweet_timestamp": [dt.datetime(2020, 1, 14, 1, 11, 50, tzinfo=dt.UTC)],
            "tweet_text": ["x" * (TABLE_TEXT_CHARS + 50)],
        }
    )
    table = html_table(frame)
    assert ">1216890635261159574<" in table  # ids are never formatted as quantities
    assert ">1,234,567<" in table and ">24.2%<" in table and ">60<" in table
    assert "2020\u201101\u201114 01:11:50 UTC" in table  # a date never breaks across lines
    assert "x" * TABLE_TEXT_CHARS not in table and "…" in table


def test_findings_read_as_in_tables():
    assert format_value(0.785011, "accounts.share_zero_followers") == "78.5%"
    assert format_value(0.85, "activity.working_hours_share") == "85.0%"
    assert format_value(0.224, "narratives.topic_shares.covid19") == "22.4%"
    assert format_value(8, "activity.inferred_utc_offset_hours") == "+8"
    assert format_value(-5, "activity.inferred_utc_offset_hours") == "-5"
    assert format_value(348608, "dataset.tweets") == "348,608"
    assert format_value(2.0, "accounts.median_followers") == "2"
    assert format_value(0.15349, "activity.inferred_offset_score") == "0.153"
    assert format_value(None, "engagement.most_liked_tweetid") == "–"
    assert format_value(None, "engagement.most_liked_tweetid", missing="n/a") == "n/a"


def test_prose_and_tables_share_one_formatter():
    frame = pl.DataFrame({"share_zero_followers": [0.785011], "median": [0.15349]})
    table = html_table(frame)
    assert f">{format_value(0.785011, 'share_zero_followers')}<" in table and ">0.153<" in table


def test_hashed_ids_show_short_with_the_whole_id_in_a_tooltip():
    hashed = "UR54FI3/" + "x" * 35 + "="
    table = html_table(pl.DataFrame({"members": [f"{hashed}, 1234567, {hashed}"], "p_value": [1.4e-9]}))
    assert table.count(f'title="{hashed}">UR54FI3/…</code>') == 2 and ", 1234567, " in table
    assert hashed + "<" not in table  # never shown whole
    assert ">&lt; 0.001<" in table  # a tiny chance is not rounded to 0
