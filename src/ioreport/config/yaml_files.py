"""Reading the project's YAML files (parameters, lexicons), which come from users and are not trusted."""

from __future__ import annotations

from pathlib import Path

import yaml

from ioreport.errors import InputError

MAX_YAML_BYTES = 1 << 20  # a parameters file or lexicon is a few kilobytes; larger is a mistake or an attack


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a few nested aliases expand to billions of nodes."""

    def compose_node(self, parent, index):  # noqa: ANN001 (PyYAML's signature)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed here", event.start_mark
            )
        return super().compose_node(parent, index)


def read_yaml_mapping(path: str | Path, what: str) -> dict:
    """A YAML file that must hold a non-empty mapping; every problem named with the file."""
    source = Path(path).resolve()
    if not source.is_file():
        raise InputError(f"{what} file not found: {source}")
    if source.stat().st_size > MAX_YAML_BYTES:
        raise InputError(f"{source}: too large for a {what} file (over {MAX_YAML_BYTES:,} bytes)")
    try:
        raw = yaml.load(source.read_text(encoding="utf-8"), Loader=_NoAliasLoader)  # noqa: S506 (safe loader)
    except UnicodeDecodeError:
        raise InputError(f"{source}: not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{source}: expected a mapping of {what}, got {type(raw).__name__}")
    return raw
