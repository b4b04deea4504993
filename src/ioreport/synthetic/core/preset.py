"""Network presets: everything that differs between synthetic networks, as validated YAML data.

A preset (`presets/<name>.yaml`, shipped with the package) holds the numbers at scale 1.0 and every text
pool. Its sections name the planting steps that run: a preset without `repurposing` plants no bought
accounts, one without `viral` no viral bursts. `extends: <name>` starts from another preset and overrides
it key by key (mappings merge, everything else replaces), so a variant states only how it differs.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ioreport.config.calendars import known_calendar, known_zone
from ioreport.errors import InputError

PRESETS_DIR = Path(__file__).resolve().parents[1] / "presets"
LOCKSTEP_KINDS = ("co_retweet", "co_tweet", "near_duplicate", "co_hashtag")
HASHING_FOLLOWER_LIMIT = 5_000  # Twitter hashed the identity of accounts with fewer followers

Share = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=0)]
Weights = dict[str, Weight]  # name -> relative weight, in the file's order
Curve = list[tuple[dt.date, Annotated[float, Field(ge=0)]]]  # piecewise linear, flat outside its anchors
Texts = list[Annotated[str, Field(min_length=1, pattern=r"^[^\n\r]*$")]]  # one line each


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _ordered(pair: tuple[Any, Any], what: str) -> tuple[Any, Any]:
    if not pair[0] <= pair[1]:
        raise ValueError(f"{what} must be [low, high] with low <= high, got {list(pair)}")
    return pair


class Frame(Strict):
    """The clock and calendar the truth counts local figures in: the operators' own, for an operation."""

    timezone: str
    holiday_country: str
    office_hours: tuple[int, int]  # local [start, end), Monday to Friday

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)

    @field_validator("holiday_country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        return known_calendar(value)

    @field_validator("office_hours")
    @classmethod
    def _day_hours(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 0 <= value[0] < value[1] <= 24:
            raise ValueError(f"office_hours must be [start, end) within 0-24, got {list(value)}")
        return value


class Size(Strict):
    accounts: Annotated[int, Field(gt=0)]
    tweets: Annotated[int, Field(gt=0)]  # valid unique tweets at scale 1.0


class Script(Strict):
    """A writing system the network tweets in (simplified Chinese, English, ...)."""

    language: str  # the tweet_language code Twitter assigns to it
    joiner: Literal["", " "]  # between the sentences of a tweet
    account_languages: Weights  # account_language values, casing as found in archives


class Zone(Strict):
    weight: Weight
    scripts: Weights  # the main scripts of its accounts
    locations: Texts  # what its accounts report as their location


class CreationDays(Strict):
    """Days drawn over a range: uniform, growing year on year, with stretches some times thicker."""

    between: tuple[dt.date, dt.date]
    growth_per_year: Weight = 1.0
    surges: list[tuple[dt.date, dt.date, Weight]] = []

    @field_validator("between")
    @classmethod
    def _range(cls, value: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
        return _ordered(value, "between")


class Cohort(Strict):
    """Accounts alike in when they were made and how they behave."""

    name: str
    share: Share | None = None  # of all accounts; None: the accounts the other cohorts leave
    created: CreationDays | None = None
    batches: list[tuple[dt.date, Annotated[int, Field(gt=0)]]] = []  # (day, accounts created on it)
    starts_between: tuple[dt.date, dt.date] | None = (
        None  # first tweet on a uniform day; else a lag after creation
    )
    activity: Weight = 1.0  # tweeting rate relative to the other cohorts
    clients: Weights

    @model_validator(mode="after")
    def _created_one_way(self) -> Cohort:
        if bool(self.batches) == (self.created is not None):
            raise ValueError(f"cohort {self.name!r}: give either `created` or `batches`")
        if self.batches and self.share is not None:
            raise ValueError(f"cohort {self.name!r}: a batch cohort's size is its batches, not a share")
        return self


class Mixing(Strict):
    """A share of the accounts write a share of their tweets in a second script (or from a second app)."""

    accounts: Share
    tweets: tuple[Share, Share]  # each such account's share, uniform in this range

    @field_validator("tweets")
    @classmethod
    def _range(cls, value: tuple[float, float]) -> tuple[float, float]:
        return _ordered(value, "tweets")


class PublishedShares(Strict):
    """Exact shares at 0 and under 8 followers; the rest log-uniform in `middle`."""

    model: Literal["published_shares"]
    zero_share: Share
    under_8_share: Share
    middle: tuple[int, int]


class Lognormal(Strict):
    model: Literal["lognormal"]
    median: Weight
    sigma: Weight
    zero_share: Share = 0.0  # accounts at exactly 0 besides the draw


class HighFollowers(Strict):
    """Exactly this many accounts at or over the hashing limit, so Twitter left them unhashed (at least one:
    an unhashed account carries the hostile display name)."""

    accounts: Annotated[int, Field(gt=0)]
    between: tuple[int, int]
    cohort: str | None = None  # drawn from this cohort; None: any

    @field_validator("between")
    @classmethod
    def _over_the_limit(cls, value: tuple[int, int]) -> tuple[int, int]:
        if value[0] < HASHING_FOLLOWER_LIMIT:
            raise ValueError(f"high follower counts start at {HASHING_FOLLOWER_LIMIT} (the hashing limit)")
        return _ordered(value, "between")


class Profiles(Strict):
    bio_share: Share
    two_line_bio_share: Share  # of bios: two sentences on two lines
    location_share: Share
    profile_url_share: Share
    bios: dict[str, Texts]  # script -> biographies
    given_names: Texts  # the names of unhashed accounts
    surnames: Texts


class Accounts(Strict):
    zones: dict[str, Zone]
    cohorts: list[Cohort]
    activity_sigma: Weight  # of each account's lognormal tweeting rate
    first_tweet_lag_days: Weight  # mean days from creation to the first tweet
    start_on_working_days: bool  # first tweets wait for a working day (an office's routine)
    second_script: Mixing
    second_client: Mixing
    followers: Annotated[PublishedShares | Lognormal, Field(discriminator="model")]
    high_followers: HighFollowers
    following: Lognormal
    profiles: Profiles
    outside_accounts: Annotated[int, Field(gt=0)]  # retweeted or replied-to accounts outside the archive

    @field_validator("zones")
    @classmethod
    def _zones(cls, value: dict[str, Zone]) -> dict[str, Zone]:
        for name in value:
            known_zone(name)
        return value

    @model_validator(mode="after")
    def _one_rest(self) -> Accounts:
        rest = [c.name for c in self.cohorts if c.share is None and not c.batches]
        if len(rest) != 1:
            raise ValueError(f"exactly one cohort takes the remaining accounts (no share); found {rest}")
        sizes = [size for c in self.cohorts for _, size in c.batches]
        if len(set(sizes)) != len(sizes):
            raise ValueError("creation batches must have distinct sizes (so their ranking is unambiguous)")
        return self

    def cohort_names(self) -> list[str]:
        return [c.name for c in self.cohorts]


class InArchive(Strict):
    """Shares of retweets, replies and quotes whose target is an archive tweet (not an outside one)."""

    retweet: Share
    reply: Share
    quote: Share


class Routine(Strict):
    """The everyday tweeting that fills the dataset: when, and retweets, replies and quotes of what."""

    hours: Annotated[list[Annotated[float, Field(ge=0)]], Field(min_length=24, max_length=24)]  # local
    weekend_factor: Annotated[float, Field(ge=0)]  # a weekend day's volume relative to a working day's
    holiday_factor: Annotated[float, Field(ge=0)]
    volume: Curve  # relative tweets per working day over the period
    retweet_share: Share
    reply_share: Share
    quote_share: Share
    blank_retweet_userid_share: Share  # china_052020's quirk
    in_archive: InArchive
    recent_window: Annotated[int, Field(gt=0)]  # a target is one of this many candidates just before
    every_account_tweets: bool  # each account's first tweet falls on its first day (a takedown's accounts)


class Topic(Strict):
    phrases: dict[str, Annotated[Texts, Field(min_length=2)]]  # script -> sentences
    hashtags: Texts  # most used first
    intensity: Curve  # relative weight of the topic in a day's mix
    hashtag_share: Share = 0.55  # share of its tweets that carry hashtags


class Content(Strict):
    topics: dict[str, Topic]
    untagged_topic: str  # the topic that stands for "no narrative"
    tails: list[str]  # endings of a tweet ("" = none); repeated entries weigh more
    url_domains: Texts
    url_share: Share
    mention_share: Share
    newline_share: Share  # texts whose two sentences are on separate lines
    blank_language_share: Share
    undetermined_language_share: Share
    hashtags_per_tagged_tweet: tuple[Weight, Weight, Weight]  # weights of one, two and three hashtags
    # The archive's spellings of list columns: ['a', 'b'] with [] empty, [a, b], ['a'] with '' empty.
    list_styles: dict[Literal["quoted", "unquoted", "quoted_blank_empty"], Weight]
    pandas_boolean_share: Share  # is_retweet as True/False, as after a pandas round trip

    @model_validator(mode="after")
    def _untagged_is_a_topic(self) -> Content:
        if self.untagged_topic not in self.topics:
            raise ValueError(f"untagged_topic {self.untagged_topic!r} is not one of the topics")
        return self


class Quirks(Strict):
    geotagged_tweets: Count
    geotag_center: tuple[float, float]  # latitude, longitude
    geotag_zone: str | None = None  # the geotagged tweets' authors live here; None: anywhere
    poll_tweets: Count
    poll_choices: Texts


class Repurposing(Strict):
    """Bought accounts with a former life (ASPI 2019), and decoys that share one of their traits each."""

    cohort: str  # the old accounts they are drawn from
    accounts: Count  # repurposed accounts at scale 1.0
    decoys: Count  # accounts of each kind of decoy at scale 1.0
    signal_shares: dict[
        Literal["language_switch", "dormant_reactivated", "client_switch", "test_tweets"], Share
    ]  # chance an account shows it; every account shows at least two
    reactivation: tuple[dt.date, dt.date]  # when the new owners took over
    campaign_script: str
    campaign_client: str
    former_languages: Weights  # tweet_language of a former life that switches language
    former_clients: Weights  # app of a former life that switches client
    spam: dict[str, Texts]  # tweet_language -> former-life texts (the campaign's language included)
    tests: Texts  # the new owners' first tweets: "test new owner" and the like
    test_language: str
    everyday: dict[str, Texts]  # tweet_language -> the decoys' ordinary texts
    test_in_sentence: Texts  # ordinary sentences that mention a test
    bilingual: tuple[str, str]  # the two tweet_languages the bilingual decoys mix throughout


class Coordination(Strict):
    """Groups that retweet, post, paraphrase or hashtag in lockstep, and decoys that look half like them."""

    members_from: list[str]  # cohorts
    decoys_from: list[str]
    topics: list[str] | None = None  # what the groups post on; None: every tagged topic
    groups_per_kind: Count  # at scale 1.0
    min_groups_per_kind: Count  # so that even a small dataset has several
    group_size: tuple[int, int]  # members, [low, high)
    events_per_group: Annotated[int, Field(gt=0)]
    burst_seconds: Weight  # an event's tweets fall within this long after its first
    source_lead_seconds: tuple[float, float]  # a co-retweeted post precedes its retweets by this much
    event_hashtags: Annotated[int, Field(gt=0)]  # the hashtags all of a hashtag event's tweets carry
    incidental_bursts_per_kind: Count  # at scale 1.0: one-off co-activity of unrelated accounts
    incidental_size: tuple[int, int]  # [low, high)
    spread_groups_per_kind: Count  # at scale 1.0: groups repeating each other hours apart
    active_days: Count  # members start tweeting at least this long before the last day


class SparseEngagement(Strict):
    """Almost none, as ASPI found: a few engaged tweets, and outliers no 0-follower account could earn."""

    model: Literal["sparse"]
    engaged_share: Share  # tweets with any engagement at all
    high_follower_engaged_share: Share
    zero_follower_like_outliers: Count  # 0-follower tweets over 50 likes, at scale 1.0
    zero_follower_retweet_outliers: Count  # ... over 10 retweets
    blank_share: Share  # tweets whose four counts are blank in the file


class FollowerTiedEngagement(Strict):
    """Engagement an audience gives: expected likes grow as a power of the author's followers."""

    model: Literal["follower_tied"]
    likes_per_tweet: Weight  # expected likes of a tweet by an account with one follower
    follower_power: Weight
    noise_sigma: Weight  # per-tweet lognormal spread of the expectation
    retweets_per_like: Weight
    replies_per_like: Weight
    quotes_per_like: Weight
    blank_share: Share


class Viral(Strict):
    """Popular tweets that many unrelated accounts retweet within minutes of each other."""

    bursts: Count  # at scale 1.0
    min_bursts: Count
    retweeters: tuple[Share, Share]  # share of the accounts active then, uniform in this range
    median_delay_seconds: Weight  # lognormal delay from the post to each retweet
    delay_sigma: Weight
    archive_source_share: Share  # sources posted by a high-follower archive account, else outside
    coincidences: Count  # pairs of accounts that happen to retweet the same two viral tweets together


class StockPhrase(Strict):
    """A phrase many people type on their own ("Good morning!"), at similar local times."""

    text: Annotated[str, Field(min_length=1, pattern=r"^[^\n\r]*$")]
    language: str  # its tweet_language
    uses: Count  # at scale 1.0
    local_hours: tuple[int, int] = (0, 24)  # [start, end)
    day: str | None = Field(None, pattern=r"^\d\d-\d\d$")  # MM-DD: only on this day of each year


class TrendingEvent(Strict):
    """A moment everyone tweets about with the same hashtags."""

    start: dt.datetime  # UTC
    hours: Weight
    hashtags: Texts  # most used first
    tweets: Count  # at scale 1.0
    texts: dict[str, Texts]  # script -> sentences; accounts without their script use the first
    topic: str | None = None  # None: the untagged topic


class Preset(Strict):
    name: str
    dataset_name: str
    description: str
    period: tuple[dt.date, dt.date]  # local days bounding the tweets
    size: Size
    min_scale: Weight  # below this the planted structure no longer fits
    frame: Frame
    scripts: dict[str, Script]
    accounts: Accounts
    content: Content
    routine: Routine
    quirks: Quirks
    engagement: Annotated[SparseEngagement | FollowerTiedEngagement, Field(discriminator="model")]
    repurposing: Repurposing | None = None
    coordination: Coordination | None = None
    viral: Viral | None = None
    stock_phrases: list[StockPhrase] = []
    trending: dict[str, TrendingEvent] = {}

    @model_validator(mode="after")
    def _references(self) -> Preset:
        """Every script, cohort, topic and client a section names exists."""
        scripts, cohorts, topics = (
            set(self.scripts),
            set(self.accounts.cohort_names()),
            set(self.content.topics),
        )
        named_scripts = [s for zone in self.accounts.zones.values() for s in zone.scripts]
        named_scripts += [s for topic in self.content.topics.values() for s in topic.phrases]
        named_scripts += list(self.accounts.profiles.bios)
        named_scripts += [s for event in self.trending.values() for s in event.texts]
        named_cohorts = [self.accounts.high_followers.cohort] if self.accounts.high_followers.cohort else []
        named_topics = [e.topic for e in self.trending.values() if e.topic]
        if spec := self.repurposing:
            named_scripts.append(spec.campaign_script)
            named_cohorts.append(spec.cohort)
            clients = {c for cohort in self.accounts.cohorts for c in cohort.clients}
            _known("client", [spec.campaign_client], clients)
            campaign = (
                [self.scripts[spec.campaign_script].language] if spec.campaign_script in scripts else []
            )
            _known("spam language", [*spec.former_languages, *campaign], set(spec.spam))
            own = [script.language for script in self.scripts.values()]
            _known("everyday language", [*own, *spec.bilingual], set(spec.everyday))
        if self.coordination:
            named_cohorts += self.coordination.members_from + self.coordination.decoys_from
            named_topics += self.coordination.topics or []
        _known("script", named_scripts, scripts)
        _known("cohort", named_cohorts, cohorts)
        _known("topic", named_topics, topics)
        for name, topic in self.content.topics.items():
            if missing := scripts - set(topic.phrases):
                raise ValueError(f"topic {name!r} has no phrases for script(s) {sorted(missing)}")
        if not self.period[0] < self.period[1]:
            raise ValueError("period must be [first day, last day] with the first before the last")
        if outside := [
            name
            for name, e in self.trending.items()
            if not self.period[0] <= e.start.date() <= self.period[1]
        ]:
            raise ValueError(f"trending event(s) {outside} start outside the period")
        return self


def _known(what: str, names: list[str], known: set[str]) -> None:
    if unknown := sorted(set(names) - known):
        raise ValueError(f"unknown {what}(s) {unknown} (known: {', '.join(sorted(known))})")


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESETS_DIR.glob("*.yaml"))


@cache
def load_preset(name: str) -> Preset:
    """A shipped preset by name."""
    return read_preset(PRESETS_DIR / f"{name}.yaml")


def read_preset(path: Path) -> Preset:
    """A preset file, validated; every problem is an InputError naming the file and the key."""
    raw = _merged(path, seen=())
    try:
        return Preset.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(top level)'}: {error['msg']}"
            for error in exc.errors()
        )
        raise InputError(f"{path}: {problems}") from None


def _merged(path: Path, seen: tuple[Path, ...]) -> dict:
    """The file's mapping over the preset it `extends` (looked up beside it)."""
    if path in seen:
        raise InputError(f"{path}: `extends` loops back to itself")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read preset {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise InputError(f"{path}: expected a mapping, got {type(raw).__name__}")
    base = raw.pop("extends", None)
    if base is None:
        return raw
    return _override(_merged(path.with_name(f"{base}.yaml"), (*seen, path)), raw)


def _override(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for key, value in changes.items():
        both_mappings = isinstance(value, dict) and isinstance(merged.get(key), dict)
        merged[key] = _override(merged[key], value) if both_mappings else value
    return merged
