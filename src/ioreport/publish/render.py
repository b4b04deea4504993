"""Render the report's Quarto source to one self-contained HTML file: with Quarto when it is
installed, else offline with pandoc, implementing the subset of Quarto the report uses.

The pandoc path works in two stages. Python expands the shortcodes, because `var` needs
`_variables.yml` and `embed` needs the executed notebooks. Lua filters in `render_filters/` then
work on pandoc's document tree: profile-conditional divs, and the numbering of embedded
figures and tables with their cross-references. Numbering runs after conditional content is
dropped, so a figure hidden by a profile takes no number, as in Quarto.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pypandoc
import yaml

from ioreport.errors import InputError
from ioreport.publish.svg_ids import scope_svg_ids

# libyaml's loader and dumper, ten times faster than PyYAML's own (a report reads a hundred cell options).
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

logger = logging.getLogger(__name__)

RENDERER_ENV = "IOREPORT_RENDERER"  # "pandoc" or "quarto" forces an engine; unset or "auto" picks one
REPORT_SOURCE = "index.qmd"
PROJECT_FILE = "_quarto.yml"  # project-wide options, which the document's front matter overrides
VARIABLES_FILE = "_variables.yml"
STYLES_HEADER = "_styles.html"  # the stylesheets, inlined for pandoc
FILTERS_DIR = Path(__file__).resolve().parent / "render_filters"
# Order matters: a figure inside hidden content must be gone before figures are numbered.
LUA_FILTERS = ("profiles.lua", "embeds.lua")
# What Quarto's own {{< pagebreak >}} produces in HTML.
PAGE_BREAK_HTML = '<div style="page-break-after: always;"></div>'
# Quarto options the pandoc path turns into command-line flags, and Quarto's own settings. They are
# kept out of pandoc's metadata so that its template does not act on them (a `css` key adds <link>s).
QUARTO_ONLY_KEYS = (
    "format",
    "css",
    "include-after-body",
    "toc",
    "toc-depth",
    "toc-title",
    "number-sections",
    "project",
    "execute",
)

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_SHORTCODE = re.compile(r"\{\{<\s*(?P<name>[\w-]+)(?P<args>.*?)>\}\}", re.DOTALL)
_EMBED_TARGET = re.compile(r"(?P<notebook>[^#\s]+\.ipynb)#(?P<label>[\w.:-]+)")
_CELL_OPTION = re.compile(r"#\|\s?(?P<option>.*)")
_BACKTICKS = re.compile(r"`+")


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A v4 notebook (executed by papermill, or staged), read without checking it against nbformat's
    schema: that check is most of the time a rerun reusing every section spends on notebooks, and the
    staged notebooks are checked against the schema by a test."""
    return nbformat.v4.reads(path.read_text(encoding="utf-8"))


def write_notebook(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Written as nbformat.write writes it, without checking it against the schema (see read_notebook)."""
    text = nbformat.v4.writes(notebook)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def display_output(data: dict[str, Any], metadata: dict[str, Any] | None = None) -> nbformat.NotebookNode:
    """A display_data output, as nbformat.v4.new_output makes it, without its schema check."""
    return nbformat.from_dict({"output_type": "display_data", "data": data, "metadata": metadata or {}})


class RenderError(InputError):
    """The report cannot be rendered: a bad shortcode, reference or notebook, or a failing engine."""


def quarto_available() -> bool:
    return shutil.which("quarto") is not None


def render_report(stage_dir: Path, output_html: Path, profiles: Sequence[str] = ()) -> str:
    """Render `stage_dir/index.qmd` to `output_html`; returns the engine used, "quarto" or "pandoc"."""
    engine = choose_engine()
    render = render_with_quarto if engine == "quarto" else render_with_pandoc
    render(Path(stage_dir), Path(output_html), profiles)
    return engine


def choose_engine() -> str:
    wanted = os.environ.get(RENDERER_ENV, "").strip().lower() or "auto"
    if wanted not in ("auto", "quarto", "pandoc"):
        raise RenderError(f"{RENDERER_ENV}={wanted!r}: use auto, quarto or pandoc")
    if wanted == "quarto" and not quarto_available():
        raise RenderError(f"{RENDERER_ENV}=quarto but no `quarto` program is on PATH")
    if wanted == "auto":
        return "quarto" if quarto_available() else "pandoc"
    return wanted


def render_with_quarto(stage_dir: Path, output_html: Path, profiles: Sequence[str] = ()) -> None:
    command = [shutil.which("quarto") or "quarto", "render", REPORT_SOURCE, "--to", "html"]
    if profiles:
        command += ["--profile", ",".join(profiles)]
    _run(command, cwd=stage_dir)
    output_html.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(stage_dir / Path(REPORT_SOURCE).with_suffix(".html"), output_html)


def render_with_pandoc(stage_dir: Path, output_html: Path, profiles: Sequence[str] = ()) -> None:
    source = stage_dir / REPORT_SOURCE
    if not source.is_file():
        raise RenderError(f"report source not found: {source}")
    document_meta, body = _split_front_matter(source.read_text(encoding="utf-8"), source)
    meta = _merged(_read_yaml_mapping(stage_dir / PROJECT_FILE), document_meta)
    shortcodes = ShortcodeExpander(stage_dir)
    options = _html_options(meta)
    markdown = _with_front_matter(
        _pandoc_metadata(meta, options, shortcodes, profiles), shortcodes.expand(body)
    )
    output_html = output_html.resolve()  # pandoc runs in the stage directory
    output_html.parent.mkdir(parents=True, exist_ok=True)
    command = [
        pypandoc.get_pandoc_path(),
        "--from=markdown",
        "--to=html5",
        "--standalone",
        # No --embed-resources: everything the page shows is inline already (styles and font by the
        # stage, SVG and data: PNG in the blocks), and embedding re-parsed the whole page (6 of its 7
        # seconds). Pandoc reads only the files named here: markup that slipped into the report can
        # embed no local file and fetch nothing from the network.
        "--sandbox",
        "--section-divs",
        *(f"--lua-filter={FILTERS_DIR / name}" for name in LUA_FILTERS),
        *_option_flags(options, stage_dir),
        f"--output={output_html}",
    ]
    _run(command, cwd=stage_dir, stdin=markdown)


def _run(command: list[str], cwd: Path, stdin: str | None = None) -> None:
    result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True, encoding="utf-8")
    engine = Path(command[0]).name
    # A Lua filter's error() is followed by a Lua stack trace, noise to the report's author.
    message = result.stderr.split("stack traceback:")[0].strip()
    if result.returncode != 0:
        raise RenderError(f"{engine} failed to render {cwd / REPORT_SOURCE}: {message or 'no message'}")
    if message:
        logger.warning("%s: %s", engine, message)


# --- front matter ------------------------------------------------------------------------------


def _read_yaml_mapping(path: Path) -> dict[str, Any]:
    """The mapping in an optional YAML file; {} when there is no such file."""
    if not path.is_file():
        return {}
    try:
        mapping = yaml.load(path.read_text(encoding="utf-8"), YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(mapping, dict):
        raise RenderError(f"{path}: expected a mapping")
    return mapping


def _split_front_matter(text: str, source: Path) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    try:
        meta = yaml.load(match["yaml"], YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"{source}: front matter is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise RenderError(f"{source}: front matter must be a mapping")
    return meta, text[match.end() :]


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`override` laid over `base`, mappings merged key by key (as Quarto merges project and document)."""
    merged = dict(base)
    for key, value in override.items():
        both_mappings = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = _merged(base[key], value) if both_mappings else value
    return merged


def _html_options(meta: dict[str, Any]) -> dict[str, Any]:
    """The document's HTML options: top-level keys, overridden by those under `format: html:`."""
    formats = meta.get("format")
    html_format = formats.get("html") if isinstance(formats, dict) else None
    return {**meta, **(html_format if isinstance(html_format, dict) else {})}


def _option_flags(options: dict[str, Any], stage_dir: Path) -> list[str]:
    styles = []
    for stylesheet in _as_list(options.get("css")):
        # Checked here: pandoc only warns about a missing one, and leaves a dangling <link>.
        if not (stage_dir / stylesheet).is_file():
            raise RenderError(f"stylesheet {stylesheet!r} named in the front matter is not in {stage_dir}")
        styles.append((stage_dir / stylesheet).read_text(encoding="utf-8"))
    # Inlined into the header here: in its sandbox pandoc reads no stylesheet itself.
    header = stage_dir / STYLES_HEADER
    header.write_text("".join(f"<style>\n{css}</style>\n" for css in styles), encoding="utf-8")
    flags = [f"--include-in-header={STYLES_HEADER}"]
    for name in _as_list(options.get("include-after-body")):
        if not (stage_dir / name).is_file():
            raise RenderError(f"include-after-body {name!r} named in the front matter is not in {stage_dir}")
        flags.append(f"--include-after-body={name}")
    if options.get("toc"):
        flags += ["--toc", f"--toc-depth={int(options.get('toc-depth', 3))}"]
    if options.get("number-sections"):
        flags.append("--number-sections")
    return flags


def _as_list(value: Any) -> list:
    """A front-matter option given as one value or a list of them."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _pandoc_metadata(
    meta: dict[str, Any], options: dict[str, Any], shortcodes: ShortcodeExpander, profiles: Sequence[str]
) -> dict[str, Any]:
    metadata = {key: value for key, value in meta.items() if key not in QUARTO_ONLY_KEYS}
    metadata = _map_strings(metadata, shortcodes.expand)
    if options.get("toc"):
        metadata["toc-title"] = options.get("toc-title", "Table of contents")  # Quarto's default title
    if "title" not in metadata:
        metadata["pagetitle"] = "Report"  # pandoc warns when an HTML page has no <title>
    metadata["ioreport-profiles"] = list(profiles)  # read by render_filters/profiles.lua
    # No stylesheet of pandoc's own: the report's is the only one, as in Quarto with `theme: none`.
    metadata["document-css"] = False
    return metadata


def _map_strings(value: Any, function: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return function(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, function) for key, item in value.items()}
    if isinstance(value, list):
        return [_map_strings(item, function) for item in value]
    return value


def _with_front_matter(metadata: dict[str, Any], body: str) -> str:
    return f"---\n{yaml.dump(metadata, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False)}---\n\n{body}"


# --- shortcodes --------------------------------------------------------------------------------


class ShortcodeExpander:
    """Expands `var`, `embed` and `pagebreak` shortcodes into pandoc markdown for one stage directory."""

    def __init__(self, stage_dir: Path):
        self.stage_dir = stage_dir
        self.variables = _read_yaml_mapping(stage_dir / VARIABLES_FILE)
        self._notebooks: dict[Path, dict[str, LabelledCell]] = {}
        self._handlers: dict[str, tuple[int, Callable[..., str]]] = {
            "var": (1, self.variable),
            "embed": (1, self.embed),
            "pagebreak": (0, lambda: raw_html_block(PAGE_BREAK_HTML)),
        }

    def expand(self, text: str) -> str:
        return _SHORTCODE.sub(self._expand_one, text)

    def _expand_one(self, match: re.Match[str]) -> str:
        name, args = match["name"], match["args"].split()
        if name not in self._handlers:
            raise RenderError(
                f"unsupported shortcode {match[0]!r}: the offline renderer knows {list(self._handlers)}"
            )
        arity, handler = self._handlers[name]
        if len(args) != arity:
            raise RenderError(f"shortcode {match[0]!r} takes {arity} argument(s)")
        return handler(*args)

    def variable(self, key: str) -> str:
        value: Any = self.variables
        for part in key.split("."):
            if not isinstance(value, dict) or part not in value:
                raise RenderError(
                    f"unknown variable {key!r} in {{{{< var {key} >}}}}: not in {VARIABLES_FILE}"
                )
            value = value[part]
        if value is None or isinstance(value, (dict, list)):
            raise RenderError(f"variable {key!r} in {VARIABLES_FILE} is not a single value")
        # Markdown, as Quarto reads a variable: whoever writes _variables.yml escapes what is not markup.
        return str(value).lower() if isinstance(value, bool) else str(value)

    def embed(self, target: str) -> str:
        """A div holding the cell's outputs; render_filters/embeds.lua makes it a numbered figure or table."""
        match = _EMBED_TARGET.fullmatch(target)
        if match is None:
            raise RenderError(f"embed {target!r}: expected notebooks/NAME.ipynb#LABEL")
        notebook, label = match["notebook"], match["label"]
        cell = self._cell(notebook, label)
        outputs = [rendered for output in cell.outputs if (rendered := _render_output(output, cell))]
        if not outputs:
            outputs = [_missing_output_notice(notebook, label)]
        # Pandoc decodes character references in attribute values: escaping keeps any text intact.
        caption = html.escape(cell.caption)
        attributes = f'#{label} .ioreport-embed notebook="{html.escape(notebook)}" caption="{caption}"'
        return "\n\n::: {" + attributes + "}\n\n" + "\n\n".join(outputs) + "\n\n:::\n\n"

    def _cell(self, notebook: str, label: str) -> LabelledCell:
        path = self.stage_dir / notebook
        if path not in self._notebooks:
            if not path.is_file():
                raise RenderError(f"embedded notebook not found: {notebook} (looked in {self.stage_dir})")
            self._notebooks[path] = _labelled_cells(path, notebook)
        cells = self._notebooks[path]
        if label not in cells:
            raise RenderError(f"notebook {notebook} has no cell labelled {label!r} (`#| label: {label}`)")
        return cells[label]


# --- notebooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledCell:
    label: str
    options: dict[str, Any]
    outputs: list[nbformat.NotebookNode]

    @property
    def caption(self) -> str:
        """`fig-cap` for a `fig-` label, `tbl-cap` for a `tbl-` label; other labels take no caption."""
        prefix = self.label.partition("-")[0]
        return str(self.options.get(f"{prefix}-cap", "")) if prefix in ("fig", "tbl") else ""


def _labelled_cells(path: Path, notebook: str) -> dict[str, LabelledCell]:
    cells: dict[str, LabelledCell] = {}
    for cell in read_notebook(path).cells:
        if cell.cell_type != "code":
            continue
        options = _cell_options(cell.source, notebook)
        if "label" not in options:
            continue
        label = str(options["label"])
        if label in cells:
            raise RenderError(f"notebook {notebook} has two cells labelled {label!r}")
        cells[label] = LabelledCell(label, options, cell.outputs)
    return cells


def _cell_options(source: str, notebook: str) -> dict[str, Any]:
    """Quarto cell options: the `#| key: value` lines that open a code cell, read as YAML."""
    lines = []
    for line in source.splitlines():
        option = _CELL_OPTION.match(line)
        if option is None:
            break
        lines.append(option["option"])
    try:
        options = yaml.load("\n".join(lines), YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        raise RenderError(f"notebook {notebook}: cell options are not valid YAML: {exc}") from None
    if not isinstance(options, dict):
        raise RenderError(f"notebook {notebook}: cell options must be `#| key: value` lines")
    return options


def _missing_output_notice(notebook: str, label: str) -> str:
    """Shown in place of a labelled cell with nothing to display, such as one whose notebook failed."""
    name, label = html.escape(Path(notebook).stem), html.escape(label)
    return raw_html_block(
        f'<p class="output-missing">Output missing: notebook {name} did not produce {label}</p>'
    )


def _render_output(output: nbformat.NotebookNode, cell: LabelledCell) -> str | None:
    """Markdown for one cell output in its preferred mime type; None for streams, errors and the rest."""
    if output.output_type not in ("display_data", "execute_result"):
        return None
    data = output.get("data", {})
    for mime, render in _MIME_RENDERERS:
        if mime in data:
            return render(data[mime], cell)
    return None


def _png_image(png_base64: str, cell: LabelledCell) -> str:
    alt = html.escape(cell.caption or cell.label)
    return f'<img src="data:image/png;base64,{"".join(png_base64.split())}" alt="{alt}">'


# The mime types shown, in order of preference, each with the markdown that shows it. The SVG is
# vl-convert's and the HTML our own table helper's (its text already escaped): both are trusted.
_MIME_RENDERERS: tuple[tuple[str, Callable[[str, LabelledCell], str]], ...] = (
    ("image/svg+xml", lambda svg, cell: raw_html_block(scope_svg_ids(svg, cell.label))),
    ("image/png", lambda png, cell: raw_html_block(_png_image(png, cell))),
    ("text/html", lambda markup, _: raw_html_block(markup)),
    ("text/markdown", lambda markdown, _: markdown),
    ("text/plain", lambda text, _: raw_html_block(f"<pre>{html.escape(text)}</pre>")),
)


def raw_html_block(markup: str) -> str:
    """A raw HTML block: pandoc passes it through as is, never re-parsing or sanitising it."""
    longest_run = max((len(run) for run in _BACKTICKS.findall(markup)), default=0)
    fence = "`" * max(3, longest_run + 1)
    return f"{fence}{{=html}}\n{markup}\n{fence}"
