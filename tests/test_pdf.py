import os

import pytest

from ioreport.publish.pdf import pdf_engine, print_pdf


def test_the_report_prints_to_pdf(tmp_path):
    if pdf_engine() is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs Chromium (.ci/run), so the PDF engine must be there")
        pytest.skip("no Chromium on this machine: PDF printing is optional")
    page = tmp_path / "index.html"
    page.write_text(
        "<!doctype html><meta charset=utf-8><title>t</title><h1>Report 香港</h1>", encoding="utf-8"
    )
    pdf = print_pdf(page, tmp_path / "report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
