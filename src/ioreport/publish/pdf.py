"""Printing the report to PDF with a headless Chromium, so that the print stylesheet applies."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ioreport.errors import InputError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def pdf_engine() -> str | None:
    """A headless browser to print the report with, if the machine has one."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def print_pdf(html_file: Path, pdf_file: Path) -> Path:
    engine = pdf_engine()
    if engine is None:
        raise InputError(
            "no PDF engine: install Chromium (Debian: apt-get install chromium) to print the report"
        )
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                engine,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_file}",
                html_file.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        raise InputError(f"{engine} did not print {html_file}")
    return pdf_file
