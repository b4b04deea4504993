"""The cast: every archive account, who it is, when it was made and begins tweeting; the outside accounts.

Cohorts are created on weighted days or in batches (each batch day holds exactly its batch). Accounts cast
as repurposed begin their everyday tweeting, in the campaign's script and app, only after their new owners
took them over; decoys of the short-break kind only after their break. The former lives before are the
`former_lives` step's rows.
"""

from __future__ import annotations

import numpy as np

from ioreport.errors import InputError
from ioreport.synthetic.core import compose
from ioreport.synthetic.core.context import Context
from ioreport.synthetic.core.ids import SHORT_CODE_RANGE, short_codes
from ioreport.synthetic.core.preset import HASHING_FOLLOWER_LIMIT, CreationDays, Lognormal, Mixing
from ioreport.synthetic.core.rows import DORMANCY_DAYS, Accounts, Role
from ioreport.synthetic.core.vocabulary import HOSTILE_DISPLAY_NAME

MIN_CAMPAIGN_ACTIVITY = 2.0  # enough campaign tweets to tell the new owners' language and app
FIRST_CAMPAIGN_LAG_DAYS = (1, 15)  # from the takeover to the first campaign tweet, [low, high)
DECOY_RETURN_MARGIN_DAYS = 60  # a short-break decoy is back at least this long before the last day
NUMERIC_IDS = (10**7, 3 * 10**9)  # the account ids of the pre-2013 accounts Twitter left unhashed


def cast(ctx: Context, rng: np.random.Generator) -> Accounts:
    spec = ctx.preset.accounts
    n = ctx.n_accounts
    cohort, batch = _cohorts(ctx, rng)
    created = _created(ctx, cohort, batch, rng)
    zone = compose.pick(rng, {name: z.weight for name, z in spec.zones.items()}, n).astype(np.int8)
    script = _main_scripts(ctx, zone, rng)
    account_language = _account_languages(ctx, script, rng)  # bought accounts keep their old setting
    client = _main_clients(ctx, cohort, rng)
    activity = (
        rng.lognormal(0.0, spec.activity_sigma, n) * np.array([c.activity for c in spec.cohorts])[cohort]
    )
    followers = _followers(ctx, cohort, rng)
    first_tweet_day = _starts(ctx, cohort, created, rng)
    role, takeover_day = _roles(ctx, cohort, created, first_tweet_day, rng)
    _turn_to_campaign(ctx, role, takeover_day, script, client, activity, first_tweet_day, rng)
    script_2, script_mix = _second(spec.second_script, zone, _script_options(ctx), script, rng)
    client_2, client_mix = _second(spec.second_client, cohort, _client_options(ctx), client, rng)
    userid, display_name, screen_name = _identities(ctx, followers, rng)
    hostile = int(rng.choice(np.flatnonzero(followers >= HASHING_FOLLOWER_LIMIT)))
    display_name[hostile] += HOSTILE_DISPLAY_NAME
    profiles = spec.profiles
    return Accounts(
        userid=userid,
        display_name=display_name,
        screen_name=screen_name,
        location=_locations(ctx, zone, rng),
        description=_bios(ctx, script, rng),
        profile_url=np.where(
            rng.random(n) < profiles.profile_url_share,
            np.char.add("https://t.co/", short_codes(rng.integers(*SHORT_CODE_RANGE, n))),
            "",
        ).tolist(),
        account_language=account_language,
        followers=followers,
        following=rng.lognormal(np.log(spec.following.median), spec.following.sigma, n).astype(np.int64),
        created=created,
        cohort=cohort,
        batch=batch,
        zone=zone,
        script=script,
        script_2=script_2,
        script_mix=script_mix,
        client=client,
        client_2=client_2,
        client_mix=client_mix,
        activity=activity,
        first_tweet_day=first_tweet_day,
        role=role,
        takeover_day=takeover_day,
        hostile_name=hostile,
        outside_userid=[ctx.account_hash(f"outside:{j}") for j in range(ctx.count(spec.outside_accounts))],
    )


def _cohorts(ctx: Context, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each account's cohort and batch, in random order over account numbers."""
    spec = ctx.preset.accounts
    n = ctx.n_accounts
    high = spec.high_followers
    sizes, batches = [], []
    for c in spec.cohorts:
        counts = [ctx.count(size) for _, size in c.batches]
        size = sum(counts) if c.batches else (round(c.share * n) if c.share is not None else 0)
        if c.name == high.cohort:
            size = max(size, ctx.count(high.accounts))
        sizes.append(size)
        batches.append(np.repeat(np.arange(len(counts)), counts) if c.batches else np.full(size, -1))
    rest = next(k for k, c in enumerate(spec.cohorts) if c.share is None and not c.batches)
    sizes[rest] = n - sum(sizes)
    if sizes[rest] < 0:
        raise InputError(f"scale {ctx.scale:g} is too small for the {ctx.preset.name} network's cohorts")
    batches[rest] = np.full(sizes[rest], -1)
    order = rng.permutation(n)
    cohort = np.repeat(np.arange(len(sizes), dtype=np.int8), sizes)
    return cohort[order], np.concatenate(batches).astype(np.int16)[order]


def _created(ctx: Context, cohort: np.ndarray, batch: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Creation days. Days of other cohorts skip the batch days, so each batch day holds exactly its batch."""
    cohorts = ctx.preset.accounts.cohorts
    batch_days = np.array(
        [np.datetime64(day) for c in cohorts for day, _ in c.batches], dtype="datetime64[D]"
    )
    created = np.empty(len(cohort), dtype="datetime64[D]")
    for k, c in enumerate(cohorts):
        members = cohort == k
        if c.batches:
            days = np.array([np.datetime64(day) for day, _ in c.batches], dtype="datetime64[D]")
            created[members] = days[batch[members]]
        else:
            created[members] = _weighted_days(c.created, batch_days, int(members.sum()), rng)
    return created


def _weighted_days(spec: CreationDays, skip: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    days = np.arange(np.datetime64(spec.between[0]), np.datetime64(spec.between[1]) + 1)
    days = days[~np.isin(days, skip)]
    years = (days - days[0]).astype(np.int64) / 365.25
    weights = spec.growth_per_year**years
    for start, end, factor in spec.surges:
        weights[(days >= np.datetime64(start)) & (days <= np.datetime64(end))] *= factor
    return days[compose.pick(rng, weights, size)]


def _main_scripts(ctx: Context, zone: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    script = np.zeros(len(zone), dtype=np.int8)
    for z, spec in enumerate(ctx.preset.accounts.zones.values()):
        members = np.flatnonzero(zone == z)
        names = np.array([ctx.script_index(name) for name in spec.scripts], dtype=np.int8)
        script[members] = names[compose.pick(rng, spec.scripts, len(members))]
    return script


def _account_languages(ctx: Context, script: np.ndarray, rng: np.random.Generator) -> list[str]:
    languages = np.empty(len(script), dtype=object)
    for k, spec in enumerate(ctx.preset.scripts.values()):
        members = np.flatnonzero(script == k)
        languages[members] = np.array(list(spec.account_languages), dtype=object)[
            compose.pick(rng, spec.account_languages, len(members))
        ]
    return languages.tolist()


def _main_clients(ctx: Context, cohort: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    client = np.zeros(len(cohort), dtype=np.int16)
    for k, spec in enumerate(ctx.preset.accounts.cohorts):
        members = np.flatnonzero(cohort == k)
        names = np.array([ctx.vocabulary.client(name) for name in spec.clients], dtype=np.int16)
        client[members] = names[compose.pick(rng, spec.clients, len(members))]
    return client


def _script_options(ctx: Context) -> list[dict[int, float]]:
    """Per zone, its scripts by weight."""
    return [
        {ctx.script_index(name): weight for name, weight in spec.scripts.items()}
        for spec in ctx.preset.accounts.zones.values()
    ]


def _client_options(ctx: Context) -> list[dict[int, float]]:
    """Per cohort, its apps by weight."""
    return [
        {ctx.vocabulary.client(name): weight for name, weight in spec.clients.items()}
        for spec in ctx.preset.accounts.cohorts
    ]


def _second(
    spec: Mixing,
    group: np.ndarray,
    options: list[dict[int, float]],
    main: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """For a share of accounts, a second choice among their group's options other than their main one (by
    weight), and the share of their tweets that use it; none where there is no other option."""
    second, mix = main.copy(), np.zeros(len(main), dtype=np.float32)
    mixing = rng.random(len(main)) < spec.accounts
    shares = rng.uniform(*spec.tweets, len(main)).astype(np.float32)
    for g, weights in enumerate(options):
        for value in np.unique(main[group == g]).tolist():
            members = np.flatnonzero(mixing & (group == g) & (main == value))
            others = {option: weight for option, weight in weights.items() if option != value}
            if members.size and others:
                second[members] = np.array(list(others), dtype=main.dtype)[
                    compose.pick(rng, others, members.size)
                ]
                mix[members] = shares[members]
    return second, mix


def _followers(ctx: Context, cohort: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exactly the preset's high-follower accounts at or over the hashing limit; the rest under it."""
    spec = ctx.preset.accounts
    n = len(cohort)
    high = spec.high_followers
    pool = np.arange(n) if high.cohort is None else np.flatnonzero(ctx.in_cohorts(cohort, [high.cohort]))
    n_high = ctx.count(high.accounts)
    chosen = rng.choice(pool, n_high, replace=False)
    followers = np.zeros(n, dtype=np.int64)
    followers[chosen] = _log_uniform(high.between, n_high, rng)
    rest = rng.permutation(np.setdiff1d(np.arange(n), chosen))
    shape = spec.followers
    if isinstance(shape, Lognormal):
        followers[rest] = _under_the_limit(shape, len(rest), rng)
        followers[rest[: round(shape.zero_share * n)]] = 0
        return followers
    n_zero, n_under_8 = round(shape.zero_share * n), round(shape.under_8_share * n)
    low, middle = rest[n_zero:n_under_8], rest[n_under_8:]
    followers[low] = rng.integers(1, 8, len(low))
    followers[middle] = _log_uniform(shape.middle, len(middle), rng)
    return followers


def _log_uniform(bounds: tuple[int, int], size: int, rng: np.random.Generator) -> np.ndarray:
    return np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]), size)).astype(np.int64)


def _under_the_limit(shape: Lognormal, size: int, rng: np.random.Generator) -> np.ndarray:
    """Lognormal counts, redrawn until under the hashing limit (the high ones are planted exactly)."""
    counts = rng.lognormal(np.log(shape.median), shape.sigma, size).astype(np.int64)
    while (over := counts >= HASHING_FOLLOWER_LIMIT).any():
        counts[over] = rng.lognormal(np.log(shape.median), shape.sigma, int(over.sum())).astype(np.int64)
    return counts


def _starts(ctx: Context, cohort: np.ndarray, created: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The day each account's everyday tweeting begins: uniform for cohorts that say when, else days to
    weeks after creation; on a working day for an office. The earliest opens the period's first day."""
    spec, calendar = ctx.preset.accounts, ctx.calendar
    start = np.zeros(len(cohort), dtype=np.int64)
    for k, c in enumerate(spec.cohorts):
        members = np.flatnonzero(cohort == k)
        if c.starts_between:
            low, high = (calendar.index(day) for day in c.starts_between)
            start[members] = rng.integers(low, high + 1, len(members))
        else:
            lag = 1 + rng.geometric(1 / spec.first_tweet_lag_days, len(members))
            start[members] = (created[members] + lag - calendar.days[0]).astype(np.int64)
    start = np.clip(start, 0, len(calendar) - 1)
    opening = 0
    if spec.start_on_working_days:
        start = calendar.next_working_day()[start]
        opening = int(calendar.next_working_day()[0])
    start[np.argmin(start)] = opening
    return start.astype(np.int32)


def _roles(
    ctx: Context, cohort: np.ndarray, created: np.ndarray, start: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Repurposed accounts and two kinds of decoy among the old accounts made before the period (the one
    that opens it aside); the decoys that mention a test among the others. With their takeover days."""
    n = len(cohort)
    role = np.full(n, Role.ORDINARY, dtype=np.int8)
    takeover = np.full(n, -1, dtype=np.int32)
    spec = ctx.preset.repurposing
    if spec is None:
        return role, takeover
    calendar = ctx.calendar
    old = ctx.in_cohorts(cohort, [spec.cohort])
    eligible = old & (created < calendar.days[0])
    eligible[np.argmin(start)] = False
    n_repurposed, n_decoys = ctx.count(spec.accounts), ctx.count(spec.decoys)
    drawn = rng.choice(np.flatnonzero(eligible), n_repurposed + 2 * n_decoys, replace=False)
    role[drawn[:n_repurposed]] = Role.REPURPOSED
    role[drawn[n_repurposed : n_repurposed + n_decoys]] = Role.SHORT_BREAK
    role[drawn[n_repurposed + n_decoys :]] = Role.BILINGUAL
    role[rng.choice(np.flatnonzero(~old), n_decoys, replace=False)] = Role.TEST_IN_SENTENCE
    first, last = (calendar.index(day) for day in spec.reactivation)
    takeover[drawn[:n_repurposed]] = rng.integers(first, last + 1, n_repurposed)
    return role, takeover


def _turn_to_campaign(
    ctx: Context,
    role: np.ndarray,
    takeover: np.ndarray,
    script: np.ndarray,
    client: np.ndarray,
    activity: np.ndarray,
    start: np.ndarray,
    rng: np.random.Generator,
) -> None:
    """Repurposed accounts tweet in the campaign's script, from its app, often enough to be seen doing so,
    from a working day after the takeover; short-break decoys begin again late enough that no later
    silence can reach dormancy."""
    spec = ctx.preset.repurposing
    if spec is None:
        return
    last = len(ctx.calendar) - 1
    next_working = ctx.calendar.next_working_day()
    bought = np.flatnonzero(role == Role.REPURPOSED)
    script[bought] = ctx.script_index(spec.campaign_script)
    client[bought] = ctx.vocabulary.client(spec.campaign_client)
    activity[bought] = np.maximum(activity[bought], MIN_CAMPAIGN_ACTIVITY)
    lag = rng.integers(*FIRST_CAMPAIGN_LAG_DAYS, len(bought))
    start[bought] = next_working[np.minimum(takeover[bought] + lag, last)]
    back = np.flatnonzero(role == Role.SHORT_BREAK)
    start[back] = next_working[
        rng.integers(last - DORMANCY_DAYS + 1, last - DECOY_RETURN_MARGIN_DAYS + 1, len(back))
    ]


def _identities(ctx: Context, followers: np.ndarray, rng: np.random.Generator) -> tuple[list, list, list]:
    """Hashed userid = display name = screen name, except for the unhashed high-follower accounts."""
    profiles = ctx.preset.accounts.profiles
    userid = [ctx.account_hash(str(i)) for i in range(len(followers))]
    display_name, screen_name = list(userid), list(userid)
    unhashed = np.flatnonzero(followers >= HASHING_FOLLOWER_LIMIT)
    numeric = rng.choice(NUMERIC_IDS[1] - NUMERIC_IDS[0], len(unhashed), replace=False) + NUMERIC_IDS[0]
    combos = rng.permutation(len(profiles.given_names) * len(profiles.surnames))
    for k, (i, number) in enumerate(zip(unhashed.tolist(), numeric.tolist(), strict=True)):
        given, surname = divmod(int(combos[k % len(combos)]), len(profiles.surnames))
        name = f"{profiles.given_names[given]} {profiles.surnames[surname]}"
        userid[i] = str(number)
        display_name[i] = name
        screen_name[i] = f"{name.replace(' ', '')}_{k:02d}".lower()
    return userid, display_name, screen_name


def _bios(ctx: Context, script: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Most operation accounts have no bio; some bios run over two lines."""
    profiles = ctx.preset.accounts.profiles
    pools = [profiles.bios.get(name, []) for name in ctx.preset.scripts]
    n = len(script)
    has_bio = rng.random(n) < profiles.bio_share
    two_lines = rng.random(n) < profiles.two_line_bio_share
    first, second = rng.random(n), rng.random(n)
    bios = []
    for k in range(n):
        pool = pools[script[k]]
        if not (has_bio[k] and pool):
            bios.append("")
            continue
        bio = pool[int(first[k] * len(pool))]
        if two_lines[k]:
            bio += "\n" + pool[int(second[k] * len(pool))]
        bios.append(bio)
    return bios


def _locations(ctx: Context, zone: np.ndarray, rng: np.random.Generator) -> list[str]:
    pools = [spec.locations for spec in ctx.preset.accounts.zones.values()]
    n = len(zone)
    has = rng.random(n) < ctx.preset.accounts.profiles.location_share
    chosen = rng.random(n)
    return [
        pools[z][int(u * len(pools[z]))] if h else ""
        for z, h, u in zip(zone.tolist(), has.tolist(), chosen.tolist(), strict=True)
    ]
