"""Lesson Markdown is rendered once and sanitised against an allow-list."""

from app.curriculum.rendering import render_markdown


def test_script_tags_and_event_handlers_never_reach_the_page():
    html = render_markdown(
        'Hello <script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n'
        '<a href="javascript:alert(1)" onclick="steal()">link</a>\n\n[md link](javascript:alert(2))'
    )
    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered
    assert "onclick" not in lowered
    assert "javascript:" not in lowered
    assert "<img" not in lowered


def test_inline_styles_and_unknown_classes_are_removed():
    html = render_markdown('<p style="color:red" class="evil footnote">x</p>')
    assert "style=" not in html
    assert "evil" not in html


def test_tables_footnotes_anchors_and_review_boxes_render():
    html = render_markdown(
        "## Who decides\n\n| Step | Who |\n|---|---|\n| RG | Competent authority |\n\n"
        "A source.[^a]\n\n[^a]: Modern Slavery Act 2015, s.1 (as at 31 January 2026).\n\n"
        '!!! review "Check before relying on this"\n    Not yet in force.\n'
    )
    assert '<h2 id="who-decides">' in html
    assert "<table>" in html and "<td>Competent authority</td>" in html
    assert 'class="footnote"' in html and 'class="footnote-ref"' in html
    assert '<div class="admonition review">' in html


def test_links_to_sources_keep_their_address():
    html = render_markdown("[legislation.gov.uk](https://www.legislation.gov.uk/ukpga/2015/30/section/1)")
    assert 'href="https://www.legislation.gov.uk/ukpga/2015/30/section/1"' in html


def test_a_bare_link_in_a_footnote_reads_as_host_and_path_and_keeps_its_address():
    link = "https://www.theyworkforyou.com/senedd/?id=2022-01-12.2.398408&s=x"
    source = f"Text.[^1]\n\n[^1]: Senedd. <{link}> (as at 2026)."
    html = render_markdown(source)
    assert 'href="https://www.theyworkforyou.com/senedd/?id=2022-01-12.2.398408&amp;s=x"' in html
    assert ">theyworkforyou.com/senedd</a>" in html
    long = render_markdown("<https://www.legislation.gov.uk/uksi/2015/238/regulation/16/made/data.pdf>")
    assert ">legislation.gov.uk/uksi/2015/238/regulation/16/…</a>" in long  # 48 characters at most
