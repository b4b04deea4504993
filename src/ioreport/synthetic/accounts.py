"""Planting steps for the accounts: who they are, then when they were created and began tweeting."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ioreport.synthetic.network import (
    HASHING_FOLLOWER_LIMIT,
    SHORT_CODE_RANGE,
    Network,
    iso,
    pick,
    share,
    short_code,
)

TWO_LINE_BIO_SHARE = 0.15  # bios with an embedded newline
OLD_ACCOUNT_ACTIVITY = 0.5  # repurposed accounts tweet at half the rate of the new ones
TOP_CREATION_DAYS = 10


class Cohort(IntEnum):
    OLD = 0  # created years before, repurposed; tweeting sparsely from the first day
    EARLY = 1  # a first wave before the batches
    BATCH = 2  # created in one of the planted batches
    BACKGROUND = 3  # the thin daily trickle around the batches


@dataclass
class Accounts:
    cohort: np.ndarray
    batch: np.ndarray  # index into the preset's creation batches, -1 outside them
    followers: np.ndarray
    following: np.ndarray
    script: np.ndarray  # main writing system (index into the preset's scripts)
    client: np.ndarray  # main client (index into `clients`)
    clients: tuple[str, ...]
    activity: np.ndarray  # relative tweeting rate
    account_language: list[str]
    userid: list[str]
    display_name: list[str]
    screen_name: list[str]
    description: list[str]
    location: list[str]
    profile_url: list[str]

    def __len__(self) -> int:
        return len(self.cohort)

    @property
    def hashed(self) -> np.ndarray:
        return self.followers < HASHING_FOLLOWER_LIMIT


@dataclass
class Creation:
    created: np.ndarray  # datetime64[D]
    first_tweet_day: np.ndarray  # calendar index of the account's first tweet


def plant_accounts(net: Network, rng: np.random.Generator) -> Accounts:
    pop = net.preset.population
    n = net.n_accounts
    cohort, batch = _cohorts(net, rng)
    followers = _followers(net, cohort, rng)
    following = np.minimum(rng.geometric(0.08, n) - 1, 2_000)
    high = followers >= HASHING_FOLLOWER_LIMIT
    following[high] = rng.integers(100, 2_000, high.sum())
    script = pick(rng, [(s.name, s.weight) for s in net.preset.content.scripts], n)
    clients, client = _main_clients(net, cohort, rng)
    userid, display_name, screen_name = _identities(net, high, rng)
    accounts = Accounts(
        cohort=cohort,
        batch=batch,
        followers=followers,
        following=following,
        script=script,
        client=client,
        clients=clients,
        activity=rng.lognormal(0.0, 1.0, n) * np.where(cohort == Cohort.OLD, OLD_ACCOUNT_ACTIVITY, 1.0),
        account_language=_account_languages(net, script, rng),
        userid=userid,
        display_name=display_name,
        screen_name=screen_name,
        description=_bios(net, script, rng),
        location=_optional_choice(rng, pop.locations, pop.location_share, n),
        profile_url=[
            f"https://t.co/{short_code(int(code))}" if has else ""
            for has, code in zip(
                rng.random(n) < pop.profile_url_share, rng.integers(*SHORT_CODE_RANGE, n), strict=True
            )
        ],
    )
    _record_accounts(net, accounts)
    return accounts


def _cohorts(net: Network, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each account's cohort and creation batch, in random order over account indices."""
    pop = net.preset.population
    n = net.n_accounts
    batch_sizes = [net.count(size) for _, size in pop.creation_batches]
    n_old = max(net.count(pop.high_follower_accounts), round(pop.old_share * n))
    n_early = round(pop.early_share * n)
    n_background = n - n_old - n_early - sum(batch_sizes)
    if n_background < 0:
        raise ValueError(f"scale {net.scale} is too small for the planted creation batches")
    sizes = [n_old, n_early, sum(batch_sizes), n_background]
    cohort = np.repeat(np.array(list(Cohort), dtype=np.int8), sizes)
    batch = np.concatenate(
        [
            np.full(n_old + n_early, -1),
            np.repeat(np.arange(len(batch_sizes)), batch_sizes),
            np.full(n_background, -1),
        ]
    )
    order = rng.permutation(n)
    return cohort[order], batch[order]


def _followers(net: Network, cohort: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exact published shares: 0 followers, fewer than 8, and a few unhashed old high-follower accounts."""
    pop = net.preset.population
    n = len(cohort)
    followers = np.zeros(n, dtype=np.int64)
    n_high = net.count(pop.high_follower_accounts)
    high = rng.choice(np.flatnonzero(cohort == Cohort.OLD), n_high, replace=False)
    followers[high] = rng.integers(pop.high_followers[0], pop.high_followers[1] + 1, n_high)
    rest = rng.permutation(np.setdiff1d(np.arange(n), high))
    n_zero = round(pop.zero_follower_share * n)
    n_under_8 = round(pop.under_8_follower_share * n)
    low, middle = rest[n_zero:n_under_8], rest[n_under_8:]
    followers[low] = rng.integers(1, 8, len(low))
    # Log-uniform from 8 to 2,000: mostly tens, all well under the hashing limit.
    followers[middle] = np.exp(rng.uniform(np.log(8), np.log(2_000), len(middle))).astype(np.int64)
    return followers


def _main_clients(
    net: Network, cohort: np.ndarray, rng: np.random.Generator
) -> tuple[tuple[str, ...], np.ndarray]:
    """Old accounts mostly kept the old web client; the new ones use the current apps."""
    pop = net.preset.population
    clients = tuple(dict.fromkeys(name for name, _ in pop.clients_new + pop.clients_old))
    client = np.empty(len(cohort), dtype=np.int8)
    for weighted, members in (
        (pop.clients_new, cohort != Cohort.OLD),
        (pop.clients_old, cohort == Cohort.OLD),
    ):
        names = np.array([clients.index(name) for name, _ in weighted], dtype=np.int8)
        client[members] = names[pick(rng, weighted, int(members.sum()))]
    return clients, client


def _account_languages(net: Network, script: np.ndarray, rng: np.random.Generator) -> list[str]:
    languages = np.empty(len(script), dtype=object)
    for k, s in enumerate(net.preset.content.scripts):
        members = script == k
        codes = np.array([code for code, _ in s.account_languages], dtype=object)
        languages[members] = codes[pick(rng, s.account_languages, int(members.sum()))]
    return languages.tolist()


def _identities(
    net: Network, high: np.ndarray, rng: np.random.Generator
) -> tuple[list[str], list[str], list[str]]:
    """Hashed userid = display name = screen name, except the unhashed high-follower accounts."""
    pop = net.preset.population
    userid = [net.account_hash(str(i)) for i in range(len(high))]
    display_name, screen_name = list(userid), list(userid)
    unhashed = np.flatnonzero(high)
    numeric_ids = rng.choice(3 * 10**9, len(unhashed), replace=False) + 10**7  # pre-2013 account ids
    combos = rng.permutation(len(pop.given_names) * len(pop.surnames))
    for k, (i, numeric) in enumerate(zip(unhashed, numeric_ids, strict=True)):
        given, surname = divmod(int(combos[k % len(combos)]), len(pop.surnames))
        name = f"{pop.given_names[given]} {pop.surnames[surname]}"
        userid[i] = str(numeric)
        display_name[i] = name
        screen_name[i] = f"{name.replace(' ', '')}_{k:02d}".lower()
    return userid, display_name, screen_name


def _bios(net: Network, script: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Most accounts have no bio; some bios run over two lines."""
    pop = net.preset.population
    n = len(script)
    names = [s.name for s in net.preset.content.scripts]
    has_bio = rng.random(n) < pop.bio_share
    two_lines = rng.random(n) < TWO_LINE_BIO_SHARE
    first, second = rng.random(n), rng.random(n)
    bios = []
    for k in range(n):
        if not has_bio[k]:
            bios.append("")
            continue
        pool = pop.bios[names[script[k]]]
        bio = pool[int(first[k] * len(pool))]
        if two_lines[k]:
            bio += "\n" + pool[int(second[k] * len(pool))]
        bios.append(bio)
    return bios


def _optional_choice(rng: np.random.Generator, pool: tuple[str, ...], share_set: float, n: int) -> list[str]:
    chosen = rng.integers(0, len(pool), n)
    return [pool[c] if has else "" for has, c in zip(rng.random(n) < share_set, chosen, strict=True)]


def _record_accounts(net: Network, accounts: Accounts) -> None:
    n = len(accounts)
    followers = accounts.followers
    net.record(
        "accounts",
        share_zero_followers=share((followers == 0).sum(), n),
        share_under_8_followers=share((followers < 8).sum(), n),
        median_followers=float(np.median(followers)),
        hashed_accounts=int(accounts.hashed.sum()),
        high_follower_accounts=int((~accounts.hashed).sum()),
        share_no_bio=share(sum(1 for bio in accounts.description if not bio), n),
        bios_with_newlines=sum(1 for bio in accounts.description if "\n" in bio),
    )


def plant_creation(net: Network, rng: np.random.Generator) -> Creation:
    """Creation dates (batches on a thin background) and the first tweet days to weeks later."""
    pop = net.preset.population
    accounts = net.accounts
    created = np.empty(len(accounts), dtype="datetime64[D]")
    for cohort, (start, end) in ((Cohort.OLD, pop.old_created), (Cohort.EARLY, pop.early_created)):
        members = accounts.cohort == cohort
        created[members] = _uniform_days(start, end, int(members.sum()), rng)
    batch_days = np.array([np.datetime64(day) for day, _ in pop.creation_batches])
    in_batch = accounts.batch >= 0
    created[in_batch] = batch_days[accounts.batch[in_batch]]
    background = accounts.cohort == Cohort.BACKGROUND
    created[background] = _background_days(net, batch_days, int(background.sum()), rng)
    creation = Creation(created=created, first_tweet_day=_first_tweet_days(net, created, rng))
    _record_creation(net, creation)
    return creation


def _uniform_days(start: str, end: str, size: int, rng: np.random.Generator) -> np.ndarray:
    days = np.arange(np.datetime64(start), np.datetime64(end) + 1)
    return days[rng.integers(0, len(days), size)]


def _background_days(net: Network, batch_days: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """The trickle skips batch days, so each batch day counts exactly its batch."""
    pop = net.preset.population
    days = np.arange(np.datetime64(pop.background_created[0]), np.datetime64(pop.background_created[1]) + 1)
    days = days[~np.isin(days, batch_days)]
    surge_start, surge_end, factor = pop.background_surge
    in_surge = (days >= np.datetime64(surge_start)) & (days <= np.datetime64(surge_end))
    weights = np.where(in_surge, factor, 1.0)
    return days[rng.choice(len(days), size=size, p=weights / weights.sum())]


def _first_tweet_days(net: Network, created: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Days to weeks after creation, on a working day; old accounts start somewhere in the early period."""
    pop = net.preset.population
    calendar = net.calendar
    old = net.accounts.cohort == Cohort.OLD
    lag = 1 + rng.geometric(1 / pop.first_tweet_lag_days, len(created))
    start = (created + lag - calendar.days[0]).astype(np.int64)
    old_start = rng.integers(0, calendar.index(pop.old_start_tweeting_by) + 1, int(old.sum()))
    start[old] = np.maximum(start[old], old_start)
    next_working = calendar.next_working_day()
    first = next_working[np.clip(start, 0, len(calendar) - 1)]
    # The archive opens with the oldest account's first tweet on the period's first working day.
    oldest = np.flatnonzero(old)[np.argmin(created[old])]
    first[oldest] = next_working[0]
    return first


def _record_creation(net: Network, creation: Creation) -> None:
    days, counts = np.unique(creation.created, return_counts=True)
    top = np.lexsort((days, -counts))[:TOP_CREATION_DAYS]  # most accounts first, ties by date
    months, month_counts = np.unique(creation.created.astype("datetime64[M]"), return_counts=True)
    new = net.accounts.cohort != Cohort.OLD
    lag_days = (net.calendar.days[creation.first_tweet_day] - creation.created)[new].astype(np.int64)
    net.record(
        "accounts",
        creation_batches=[{"date": iso(days[i]), "accounts": int(counts[i])} for i in top],
        accounts_created_by_month={str(m): int(c) for m, c in zip(months, month_counts, strict=True)},
        first_creation=iso(creation.created.min()),
        last_creation=iso(creation.created.max()),
        median_first_tweet_lag_days=float(np.median(lag_days)),
    )
