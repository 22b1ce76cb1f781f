"""CSV downloads neutralise text that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

from app.csv_export import to_csv


def test_formula_like_text_is_written_as_plain_text():
    """Cells starting with = + - @ (or a tab or CR) get a leading apostrophe; numbers and None do not."""
    text = to_csv(
        ["name", "score"],
        [['=HYPERLINK("http://x")', -3], ["+1 555", None], ["@SUM(A1)", 2.5], ["-x", 0], ["Ada", 1]],
    )
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["name", "score"],
        ['\'=HYPERLINK("http://x")', "-3"],
        ["'+1 555", ""],
        ["'@SUM(A1)", "2.5"],
        ["'-x", "0"],
        ["Ada", "1"],
    ]
