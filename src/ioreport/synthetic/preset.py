"""Network presets: everything that differs between synthetic networks, as data.

A preset holds the numbers at scale 1.0 and the text pools; the planting steps
read nothing network-specific from anywhere else, so a new network (such as
the Moscow-run `ru`) is a new preset module registered in `networks.PRESETS`.
"""

from __future__ import annotations

from dataclasses import dataclass

# A piecewise-linear curve over dates: (YYYY-MM-DD, value) anchors, flat outside them.
Curve = tuple[tuple[str, float], ...]
Weighted = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Script:
    """A writing system the network tweets in (simplified Chinese, English, ...)."""

    name: str
    language: str  # the tweet_language code Twitter assigns to it
    weight: float  # share of accounts that write mainly in it
    account_languages: Weighted  # account_language values, casing as found in archives
    joiner: str  # between the two phrases of a tweet


@dataclass(frozen=True)
class Topic:
    name: str
    phrases: dict[str, tuple[str, ...]]  # script name -> sentences (at least two each)
    hashtags: tuple[str, ...]  # most used first
    intensity: Curve  # relative weight of the topic in a day's mix
    hashtag_share: float = 0.55  # share of its tweets that carry hashtags


@dataclass(frozen=True)
class AccountsPreset:
    old_share: float  # accounts created years before the operation (repurposed)
    old_created: tuple[str, str]
    old_start_tweeting_by: str  # old accounts start tweeting between the first day and this
    early_share: float  # a first wave, created before the batches
    early_created: tuple[str, str]
    background_created: tuple[str, str]  # the thin daily trickle around the batches
    background_surge: tuple[str, str, float]  # a stretch where the trickle is this many times thicker
    creation_batches: tuple[tuple[str, int], ...]  # (date, accounts); distinct sizes
    first_tweet_lag_days: float  # mean days from creation to first tweet
    zero_follower_share: float
    under_8_follower_share: float
    high_follower_accounts: int  # >= 5,000 followers, left unhashed by Twitter
    high_followers: tuple[int, int]
    bio_share: float
    location_share: float
    profile_url_share: float
    clients_new: Weighted  # main client of accounts created for the operation
    clients_old: Weighted  # main client of old accounts
    given_names: tuple[str, ...]  # for the unhashed high-follower accounts
    surnames: tuple[str, ...]
    bios: dict[str, tuple[str, ...]]  # script name -> biographies
    locations: tuple[str, ...]


@dataclass(frozen=True)
class ActivityPreset:
    weekday_hours: tuple[float, ...]  # 24 relative weights by local hour
    office_hours: tuple[int, int]  # the local hours [start, end) the truth counts as working hours, Mon-Fri
    weekend_factor: float  # a weekend day's volume relative to a working day's
    holiday_factor: float
    volume: Curve  # relative tweets per working day over the period


@dataclass(frozen=True)
class ContentPreset:
    scripts: tuple[Script, ...]
    topics: tuple[Topic, ...]
    untagged_topic: str  # the topic name that stands for "no narrative"
    tails: tuple[str, ...]  # endings appended to a tweet ("" = none)
    url_domains: tuple[str, ...]
    geotag_center: tuple[float, float]  # the rare geotagged tweets fall near here
    poll_choices: tuple[str, ...]  # the rare polls offer these


@dataclass(frozen=True)
class RepurposingPreset:
    """Bought accounts with a former life (ASPI 2019), and decoys that share one of their traits each."""

    accounts: int  # repurposed accounts at scale 1.0
    decoys: int  # accounts of each kind of decoy at scale 1.0
    signal_shares: Weighted  # (signal, chance an account shows it); every account shows at least two
    reactivation: tuple[str, str]  # when the new owners took over (the Hong Kong work began)
    campaign_language: str  # tweet_language of the new owners' script
    campaign_script: str  # script name the new owners write in
    campaign_client: str  # the app the new owners use; one of the population's clients
    former_languages: Weighted  # tweet_language of a former life that switches language
    former_clients: Weighted  # app of a former life that switches client
    spam: dict[str, tuple[str, ...]]  # tweet_language -> former-life texts (campaign language included)
    tests: tuple[str, ...]  # the new owners' first tweets: "test new owner" and the like
    test_language: str
    everyday: dict[str, tuple[str, ...]]  # tweet_language -> the decoys' ordinary texts
    test_in_sentence: tuple[str, ...]  # ordinary sentences that mention a test
    bilingual: tuple[str, str]  # the two tweet_languages the bilingual decoys mix throughout


@dataclass(frozen=True)
class NetworkPreset:
    name: str
    dataset_name: str
    timezone: str
    holiday_country: str
    first_day: str  # local dates bounding the tweets
    last_day: str
    accounts: int  # at scale 1.0
    tweets: int
    population: AccountsPreset
    activity: ActivityPreset
    content: ContentPreset
    retweet_share: float = 0.30
    reply_share: float = 0.10
    quote_share: float = 0.02
    blank_retweet_userid_share: float = 0.25  # china_052020's quirk
    external_accounts: int = 2000  # retweeted or replied-to accounts outside the archive
    zero_follower_like_outliers: int = 156  # ASPI: 0-follower tweets with > 50 likes
    zero_follower_retweet_outliers: int = 26  # ... with > 10 retweets
    geotagged_tweets: int = 3
    poll_tweets: int = 2
    script_loyalty: float = 0.85  # chance a tweet is in its account's main script
    client_loyalty: float = 0.92
    repurposing: RepurposingPreset | None = None  # None plants no repurposed accounts

    def topic_names(self) -> list[str]:
        return [t.name for t in self.content.topics]
