"""The report's sentences, each chosen from what the run found: a claim only where its rule held.

Every sentence is built here from findings.json (claims included), as Markdown whose every piece of
dataset or parameter text is escaped: the report shows them through `{{< var prose.NAME >}}`, in Quarto
and in the offline renderer alike. Where a claim does not hold the sentence says what was found,
neutrally; where it is undecided it says why. Numbers agree with their nouns; a value the run does not
have is left out of the sentence, never written as "n/a".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ioreport.analysis.claims import CLAIM_IDS
from ioreport.publish.format import count, escape_markdown, format_value

Findings = dict[str, Any]


def share(value: float) -> str:
    return format_value(value, "share")


def number(value: float | int) -> str:
    return format_value(value)


def average(value: float) -> str:
    """A mean count per day as a reader takes it in: one decimal below 100, whole above."""
    return number(round(value, 1 if abs(value) < 100 else None))


def utc(offset: int) -> str:
    return "UTC" if offset == 0 else f"UTC{offset:+d}".replace("-", "−")


def hours(span: list[int]) -> str:
    start, end = span
    return f"{start:02d}:00–{end:02d}:00"


def probability(p: float) -> str:
    """A p-value as a reader takes it in: "p < 0.001" below that, else two significant digits."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.2g}"


def _undecided(claim: dict, what: str) -> str:
    return f"Whether {what} could not be decided: {escape_markdown(claim['evidence']['reason'])}."


# --- One sentence per claim, for each way it can come out ----------------------------------------------


def batch_creation(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "accounts were created in batches")
    e = claim["evidence"]
    largest = (
        f"{e['largest_day']}, saw {count(e['largest_day_accounts'], 'account')} against a base rate of "
        f"{average(e['largest_day_base_rate'])} a day"
    )
    if claim["holds"]:
        return (
            f"**Accounts were created in batches.** On {count(e['batch_days'], 'day')} far more accounts "
            f"were registered than on the days around them ({count(e['accounts_in_batches'], 'account')} "
            f"in all); the largest batch, {largest}."
        )
    return (
        f"Account creation shows no batches: no day saw more registrations than chance allows around it. "
        f"The busiest day, {largest}."
    )


def office_hours(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "posting followed an office week")
    e = claim["evidence"]
    fit = f"fit {number(e['fit'])} against {number(e['shuffled_fit_mean'])} for weekday-shuffled copies"
    weekend = e.get("weekend_day_over_weekday")
    weekend_text = (
        f"; a weekend day saw {share(weekend)} of a weekday's tweets" if weekend is not None else ""
    )
    if claim["holds"]:
        return (
            f"**Posting followed an office week:** Monday to Friday, {hours(e['working_hours'])} at "
            f"{utc(e['utc_offset_hours'])} ({fit}, {probability(e['p_value'])}){weekend_text}."
        )
    return (
        "The posting does not follow an office week: it fits Monday-to-Friday working hours no better "
        f"than copies of it with the days shuffled ({fit}, {probability(e['p_value'])}){weekend_text}."
    )


def holiday_dip(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "public holidays were quiet")
    e = claim["evidence"]
    calendar = escape_markdown(found["activity"]["holiday_country"])
    measured = (
        f"{count(e['holiday_weekdays'], 'public holiday')} on weekdays ({calendar} calendar) averaged "
        f"{average(e['tweets_per_holiday'])} tweets against {average(e['tweets_per_working_day'])} on a "
        f"working day ({probability(e['p_value'])})"
    )
    if claim["holds"]:
        return f"**Public holidays were quiet:** {measured}."
    return f"Public holidays saw no dip in posting: {measured}."


def coordination(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "accounts acted in coordination")
    e = claim["evidence"]
    if claim["holds"]:
        weakest = e.get("weakest_community_chance")
        chance = f" (the weakest of their links: {probability(weakest)})" if weakest is not None else ""
        return (
            f"**{count(e['accounts_in_communities'], 'account')} acted in coordination**, in "
            f"{count(e['communities'], 'community', 'communities')} whose members shared the same retweets, "
            "texts, hashtags, links or replies within seconds to minutes of each other more often than "
            f"accounts acting independently would{chance}."
        )
    return (
        "No coordination beyond chance: where accounts shared items within the networks' windows, "
        "accounts acting independently would have coincided as often."
    )


def repurposed_accounts(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "accounts were bought and repurposed")
    e = claim["evidence"]
    judged = count(e["judged_accounts"], "account")
    if claim["holds"]:
        return (
            f"**{count(e['flagged_accounts'], 'account')} show signs of having been bought and "
            f"repurposed** (of {judged} with enough tweets to tell): at least two of a language or app "
            'switch, a long dormancy and tweets such as "test new owner".'
        )
    flagged = "none" if e["flagged_accounts"] == 0 else number(e["flagged_accounts"])
    return f"No sign of repurposed accounts: {flagged} of {judged} with enough tweets showed two signals."


def anomalous_engagement(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "0-follower accounts drew anomalous engagement")
    e = claim["evidence"]
    anomalous = "none" if e["anomalous_tweets"] == 0 else number(e["anomalous_tweets"])
    of = f"of the {count(e['zero_follower_tweets'], 'tweet')} from accounts with no followers"
    if claim["holds"]:
        return (
            f"**{anomalous.capitalize()} {of} got more than 50 likes or more than 10 retweets**: engagement "
            "such accounts cannot earn on their own (ASPI's test)."
        )
    return f"No anomalous engagement: {anomalous} {of} got more than 50 likes or more than 10 retweets."


def low_engagement(claim: dict, found: Findings) -> str:
    if claim["holds"] is None:
        return _undecided(claim, "the tweets drew almost no engagement")
    e = claim["evidence"]
    measured = (
        f"{share(e['share_without_engagement'])} of the network's own "
        f"{count(e['own_tweets'], 'tweet')} drew no like, retweet, reply or quote from outside the archive"
    )
    if e["engaged_only_by_the_archive"]:
        measured += (
            f", {count(e['engaged_only_by_the_archive'], 'tweet')} of them retweeted, answered or quoted "
            "only by the archive's own accounts"
        )
    if e["unmatched_float_ids"]:
        measured += (
            f" ({count(e['unmatched_float_ids'], 'reply or quote', 'replies or quotes')} point at ids the "
            "archive wrote as floating-point numbers, which cannot be matched)"
        )
    if claim["holds"]:
        return f"**Almost no real engagement:** {measured}."
    return f"The tweets drew engagement: only {measured}."


CLAIM_SENTENCES: dict[str, Callable[[dict, Findings], str]] = {
    "batch_creation": batch_creation,
    "office_hours": office_hours,
    "holiday_dip": holiday_dip,
    "coordination": coordination,
    "repurposed_accounts": repurposed_accounts,
    "anomalous_engagement": anomalous_engagement,
    "low_engagement": low_engagement,
}


# --- The lead, and what each section found beyond its claims ---------------------------------------------


def lead(found: Findings) -> str:
    d = found["dataset"]
    held = [name for name in CLAIM_IDS if found["claims"][name]["holds"] is True]
    rejected = [name for name in CLAIM_IDS if found["claims"][name]["holds"] is False]
    open_ = len(CLAIM_IDS) - len(held) - len(rejected)
    span = f", from {d['first_tweet']} to {d['last_tweet']} (UTC)" if d["first_tweet"] else ""
    verdict = (
        f"Of the {len(CLAIM_IDS)} claims this report tests, {number(len(held))} "
        f"{'holds' if len(held) == 1 else 'hold'}, {number(len(rejected))} "
        f"{'does' if len(rejected) == 1 else 'do'} not"
        + (f" and {number(open_)} cannot be decided on these data" if open_ else "")
        + "; each is stated below with the rule that decided it."
    )
    return (
        f"The dataset {escape_markdown(d['name'])} holds {count(d['accounts'], 'account')} and "
        f"{count(d['tweets'], 'tweet')}{span}. {verdict}"
    )


def timezone(found: Findings) -> str:
    """Which clock the posting fits, the fits as good, and whether the named zone is one of them."""
    a = found.get("activity")
    if a is None:
        return ""
    defaults = (
        "No parameters file was given, so the posting is read in UTC and no holiday calendar applies. "
        if found["dataset"]["parameters_file"] is None
        else ""
    )
    if found["claims"]["office_hours"]["holds"] is None:
        return (
            f"{defaults}The posting is read in {escape_markdown(a['timezone'])}; with so few tweets, no "
            "time zone is inferred from it."
        )
    fits = a["offset_fits"]
    best = fits[0]
    others = [f for f in fits[1:] if f["utc_offset_hours"] != best["utc_offset_hours"]]
    sentence = (
        f"The clock of the posting fits an office day of {hours(best['working_hours'])} at "
        f"{utc(best['utc_offset_hours'])} best (score {number(best['score'])})"
    )
    if others:
        alike = ", ".join(f"{utc(f['utc_offset_hours'])} with {hours(f['working_hours'])}" for f in others)
        sentence += (
            f"; {alike} {'fits' if len(others) == 1 else 'fit'} as well, since timing alone cannot tell a "
            "time zone from an earlier or later working day"
        )
    zone = escape_markdown(a["timezone"])
    named = " or ".join(utc(o) for o in a["named_zone_offsets_hours"]) or "an unknown offset"
    verdict = "is consistent with" if a["named_zone_consistent"] else "does not match"
    confidence = share(a["inferred_offset_confidence"])
    return (
        f"{defaults}{sentence}. The zone the parameters name, {zone} ({named}), {verdict} these fits. "
        f"In {confidence} of resamples of the tweets the same offset comes out best."
    )


def narratives(found: Findings) -> str:
    n = found.get("narratives")
    if n is None:
        return ""
    topics = n["topic_shares"]
    if n["lexicon"] is None:
        source = (
            "No lexicon of topics was given (`topics:` in the parameters), so the topics below are the "
            f"{count(len(topics), 'most used hashtag')}, each matched as a whole word in texts and hashtags."
        )
    else:
        source = (
            f"Topics come from the lexicon {escape_markdown(n['lexicon'])} ({count(len(topics), 'topic')})."
        )
    if not topics:
        return source
    ranked = sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:3]
    top = ", ".join(f"{escape_markdown(t)} ({share(s)})" for t, s in ranked)
    untagged = (
        f"; {share(n['untagged_share'])} of tweets carry none" if n["untagged_share"] is not None else ""
    )
    return f"{source} The most frequent: {top}{untagged}."


def data(found: Findings) -> str:
    d = found["dataset"]
    sentence = (
        f"The loader accounted for every input row: {count(d['tweets'], 'tweet')} and "
        f"{count(d['accounts'], 'account')} loaded, {count(d['quarantined_rows'], 'row')} quarantined with "
        f"a reason and {count(d['duplicate_rows'], 'exact duplicate')} dropped."
    )
    o = found.get("overview")
    if o and o["share_retweets"] is not None:
        sentence += (
            f" Retweets make up {share(o['share_retweets'])} of tweets, replies "
            f"{share(o['share_replies'])} and quotes {share(o['share_quotes'])}."
        )
    if d["users_derived_from_tweets"]:
        sentence += " There was no users file: each account's profile is taken from its latest tweet."
    return sentence


def accounts(found: Findings) -> str:
    a = found.get("accounts")
    if a is None:
        return ""
    parts = [f"{number(a['hashed_accounts'])} of {count(a['accounts'], 'account')} are hashed"]
    if a["share_zero_followers"] is not None:
        parts.append(
            f"{share(a['share_zero_followers'])} have no followers and {share(a['share_under_8_followers'])} "
            "fewer than eight"
        )
    if a["share_no_bio"] is not None:
        parts.append(f"{share(a['share_no_bio'])} have no biography")
    return "; ".join(parts) + "."


def rhythm(found: Findings) -> str:
    a = found.get("activity")
    if a is None:
        return ""
    zone = escape_markdown(a["timezone"])
    sentence = f"In {zone}, the busiest hour was {a['peak_hour_local']:02d}:00"
    # A quiet inner hour is a lunch break only in an office week; in scattered tweets it is noise.
    office_week = found.get("claims", {}).get("office_hours", {}).get("holds") is True
    dipped = a["lunch_dip_hour"] is not None and a["lunch_dip_ratio"] is not None and a["lunch_dip_ratio"] < 1
    if office_week and dipped:
        sentence += f", with a midday dip at {a['lunch_dip_hour']:02d}:00"
    sentence += (
        f"; {share(a['working_hours_share'])} of tweets fell on weekdays within "
        f"{hours(a['working_hours'])} and {share(a['weekend_share'])} at weekends."
    )
    if a["regular_accounts_share"] is not None:
        sentence += (
            f" Of the accounts with at least five tweets, {share(a['regular_accounts_share'])} posted "
            "almost all of them (90% or more) in those hours."
        )
    return sentence


def networks(found: Findings) -> str:
    c = found.get("coordination")
    if c is None:
        return ""
    retweet, copy, near = c["co_retweet"], c["co_tweet"], c["near_duplicate"]
    return (
        f"Within {number(retweet['window_seconds'])} seconds and on at least "
        f"{count(retweet['min_weight'], 'distinct tweet')}, {count(retweet['accounts'], 'account')} "
        f"retweeted together ({count(retweet['edges'], 'link')}); {count(copy['accounts'], 'account')} "
        f"posted identical texts and {count(near['accounts'], 'account')} near-identical ones. All networks "
        f"combined link {count(c['combined']['accounts'], 'account')} in "
        f"{count(len(c['combined']['communities']), 'community', 'communities')}."
    )


def amplification(found: Findings) -> str:
    c = found.get("coordination")
    if c is None or not c["combined"]["communities"]:
        return ""
    amp = c["amplification"]
    to_coordinated = share(amp["share_of_coordinated_retweets_to_coordinated"])
    others = share(amp["share_of_other_retweets_to_coordinated"])
    return (
        f"{to_coordinated} of the coordinated accounts' retweets passed on other coordinated accounts, "
        f"against {others} of the retweets of the rest of the archive."
    )


def forensics(found: Findings) -> str:
    f = found.get("forensics")
    if f is None:
        return ""
    return (
        f"{count(f['language_switch_accounts'], 'account')} switched the language of their own tweets "
        f"abruptly and {count(f['client_switch_accounts'], 'account')} the app they tweeted from; "
        f"{count(f['dormant_reactivated_accounts'], 'account')} fell silent for {number(f['dormancy_days'])} "
        f"days or more before tweeting again; {count(f['test_owner_accounts'], 'account')} posted "
        f'{count(f["test_owner_tweets"], "tweet")} that say nothing but "test", "test new owner" or '
        "the like."
    )


SECTION_SENTENCES: dict[str, Callable[[Findings], str]] = {
    "lead": lead,
    "timezone": timezone,
    "narratives": narratives,
    "data": data,
    "accounts": accounts,
    "rhythm": rhythm,
    "networks": networks,
    "amplification": amplification,
    "forensics": forensics,
}


def sentences(found: Findings) -> dict[str, str]:
    """Every sentence the report shows, by name."""
    written = {name: write(found) for name, write in SECTION_SENTENCES.items()}
    written |= {name: write(found["claims"][name], found) for name, write in CLAIM_SENTENCES.items()}
    return written
