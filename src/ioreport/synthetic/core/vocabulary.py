"""Every string a tweet is made of, numbered: sentences in pools, hashtags, languages, apps, endings.

Rows hold these numbers; the writer spells them out. A pool is a run of sentences (a topic's in one
script, a former life's spam in one language, one stock phrase), so drawing a sentence is arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ioreport.synthetic.core.preset import Preset

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_DISPLAY_NAME = "<img src=x onerror=alert(1)>"
BLANK_LANGUAGE, UNDETERMINED_LANGUAGE = "", "und"


@dataclass(frozen=True)
class Pool:
    start: int
    size: int

    def draw(self, n: int, rng: np.random.Generator) -> np.ndarray:
        return (self.start + rng.random(n) * self.size).astype(np.int32)


@dataclass
class Vocabulary:
    sentences: list[str] = field(default_factory=list)
    pools: dict[tuple[str, ...], Pool] = field(default_factory=dict)
    hashtags: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: [BLANK_LANGUAGE, UNDETERMINED_LANGUAGE])
    clients: list[str] = field(default_factory=list)
    tails: list[str] = field(default_factory=list)
    url_domains: list[str] = field(default_factory=list)
    # (topics, scripts): where each topic's pool in each script starts, and its size.
    topic_start: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))
    topic_size: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int32))
    topic_hashtags: list[np.ndarray] = field(default_factory=list)  # per topic, most used first
    event_hashtags: dict[str, np.ndarray] = field(default_factory=dict)  # per trending event, most used first

    @classmethod
    def of(cls, preset: Preset) -> Vocabulary:
        words = cls(tails=list(preset.content.tails), url_domains=list(preset.content.url_domains))
        scripts = list(preset.scripts)
        for topic, spec in preset.content.topics.items():
            for script in scripts:
                words.add_pool(("topic", topic, script), spec.phrases[script])
            words.topic_hashtags.append(words.hashtag_ids(spec.hashtags))
        words.topic_start = np.array(
            [[words.pools["topic", t, s].start for s in scripts] for t in preset.content.topics],
            dtype=np.int32,
        )
        words.topic_size = np.array(
            [[words.pools["topic", t, s].size for s in scripts] for t in preset.content.topics],
            dtype=np.int32,
        )
        words.add_pool(("hostile",), [HOSTILE_SCRIPT])
        for spec in preset.scripts.values():
            words.add_language(spec.language)
        for cohort in preset.accounts.cohorts:
            for client in cohort.clients:
                words.add_client(client)
        if spec := preset.repurposing:
            for language, texts in spec.spam.items():
                words.add_pool(("spam", language), texts)
            for language, texts in spec.everyday.items():
                words.add_pool(("everyday", language), texts)
            words.add_pool(("tests",), spec.tests)
            words.add_pool(("test_in_sentence",), spec.test_in_sentence)
            for language in (*spec.former_languages, spec.test_language, *spec.bilingual):
                words.add_language(language)
            for client in (*spec.former_clients, spec.campaign_client):
                words.add_client(client)
        for k, phrase in enumerate(preset.stock_phrases):
            words.add_pool(("stock", str(k)), [phrase.text])
            words.add_language(phrase.language)
        for name, event in preset.trending.items():
            for script, texts in event.texts.items():
                words.add_pool(("trending", name, script), texts)
            words.event_hashtags[name] = words.hashtag_ids(event.hashtags)
        return words

    def add_pool(self, key: tuple[str, ...], texts: list[str]) -> None:
        self.pools[key] = Pool(len(self.sentences), len(texts))
        self.sentences.extend(texts)

    def hashtag_ids(self, names: list[str]) -> np.ndarray:
        """The numbers of these hashtags, numbering new ones."""
        return np.array([_numbered(self.hashtags, name) for name in names], dtype=np.int16)

    def add_language(self, code: str) -> None:
        _numbered(self.languages, code)

    def add_client(self, name: str) -> None:
        _numbered(self.clients, name)

    def language(self, code: str) -> int:
        return self.languages.index(code)

    def client(self, name: str) -> int:
        return self.clients.index(name)


def _numbered(values: list[str], value: str) -> int:
    """The position of `value`, appended if new."""
    if value not in values:
        values.append(value)
    return values.index(value)
