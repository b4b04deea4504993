"""Run parameters: one validated YAML file describes one run."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ioreport.config.calendars import known_calendar, known_zone
from ioreport.config.coordination import CoordinationSettings
from ioreport.config.lexicon import load_lexicon
from ioreport.config.paths import GENERATED_DATA_DIR
from ioreport.config.published import PUBLISHED
from ioreport.config.yaml_files import read_yaml_mapping
from ioreport.errors import InputError

DEFAULT_WORKING_HOURS = (9, 18)


class SyntheticData(BaseModel):
    """Generate the dataset instead of reading one (the embedded default)."""

    model_config = ConfigDict(extra="forbid")
    network: str = "prc"
    seed: int = 20200611
    scale: float = Field(1.0, gt=0, le=20)


class RunParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    title: str | None = None
    tweets: list[Path] = Field(default_factory=list)
    users: Path | None = None
    timezone: str = "UTC"
    holidays: str | None = None
    # Local office hours [start, end) that the rhythm analysis calls "working hours".
    working_hours: tuple[int, int] = DEFAULT_WORKING_HOURS
    # A lexicon of topics (YAML); none given, the narratives section reads the data without one.
    topics: Path | None = None
    # Windows, minimum weights and the chance threshold of the coordination networks.
    coordination: CoordinationSettings = CoordinationSettings()
    synthetic: SyntheticData | None = None
    # Which published analysis to set beside this run's figures (a key of config.published.PUBLISHED).
    published: str | None = None

    @field_validator("tweets", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        if value is None:
            return []
        return [value] if isinstance(value, (str, Path)) else value

    @field_validator("published")
    @classmethod
    def _known_publication(cls, value: str | None) -> str | None:
        if value is not None and value not in PUBLISHED:
            raise ValueError(f"no published figures for {value!r} (known: {', '.join(sorted(PUBLISHED))})")
        return value

    @field_validator("working_hours")
    @classmethod
    def _day_hours(cls, value: tuple[int, int]) -> tuple[int, int]:
        start, end = value
        if not 0 <= start < end <= 24:
            raise ValueError(
                f"working_hours must be [start, end) with 0 <= start < end <= 24, got {list(value)}"
            )
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return known_zone(value)

    @field_validator("holidays")
    @classmethod
    def _known_calendar(cls, value: str | None) -> str | None:
        return known_calendar(value) if value is not None else None

    @model_validator(mode="after")
    def _has_data(self) -> RunParams:
        if self.synthetic is None and self.users is None and not self.tweets:
            raise ValueError("give `users`, `tweets` or both (or `synthetic` for a generated dataset)")
        if self.synthetic is not None and (self.users is not None or self.tweets):
            raise ValueError("`synthetic` generates the data: do not give `users` or `tweets` with it")
        return self

    @property
    def synthetic_dir(self) -> Path | None:
        """Where a synthetic dataset lives (generated on first use)."""
        if self.synthetic is None:
            return None
        s = self.synthetic
        return GENERATED_DATA_DIR / f"{self.name}-{s.network}-seed{s.seed}-scale{s.scale:g}"

    def display_title(self) -> str:
        return self.title or self.name

    def notebook_value(self, name: str) -> Any:
        """A parameter as a notebook receives it: plain JSON values, a lexicon by its content."""
        if name == "topics":
            if self.topics is None:
                return None
            return {"file": self.topics.name, "topics": load_lexicon(self.topics)}
        return self.model_dump(mode="json")[name]


def _resolve_tweets(patterns: list[Path], base: Path, source: Path) -> list[Path]:
    files: list[Path] = []
    for pattern in patterns:
        full = pattern if pattern.is_absolute() else base / pattern
        if glob.has_magic(str(full)):
            matches = sorted(Path(p) for p in glob.glob(str(full)))
            if not matches:
                raise InputError(f"{source}: `tweets` pattern {str(pattern)!r} matches no file")
            files.extend(matches)
        elif not full.is_file():
            raise InputError(f"{source}: `tweets` file not found: {full}")
        else:
            files.append(full)
    return files


def load_params(path: str | Path) -> RunParams:
    """Read and validate a parameters file; relative paths are relative to it."""
    source = Path(path).resolve()
    raw = read_yaml_mapping(source, "parameters")
    try:
        params = RunParams.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: "
            + ("unknown key" if err["type"] == "extra_forbidden" else err["msg"])
            for err in exc.errors()
        )
        raise InputError(f"{source}: {problems}") from None
    base = source.parent
    updates: dict[str, object] = {"tweets": _resolve_tweets(params.tweets, base, source)}
    for key in ("users", "topics"):
        value = getattr(params, key)
        if value is not None:
            full = value if value.is_absolute() else base / value
            if not full.is_file():
                raise InputError(f"{source}: `{key}` file not found: {full}")
            updates[key] = full
    resolved = params.model_copy(update=updates)
    if resolved.topics is not None:
        load_lexicon(resolved.topics)  # every parameter file is checked before anything runs
    return resolved
