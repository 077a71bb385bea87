"""The fonts are found in one place (fontconfig, then Debian's paths); when one
is missing, `manage.py check` says so and printing stops with the same words."""

from __future__ import annotations

import io

import pytest
from django.core import checks

from batches import fonts, pdf


@pytest.fixture
def no_fonts(monkeypatch, tmp_path):
    """A machine without the Noto packages: no fontconfig, an empty font folder."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(fonts, "DEBIAN_DIR", tmp_path)
    fonts.find.cache_clear()
    yield
    fonts.find.cache_clear()


def test_it_finds_every_face_on_this_machine():
    assert fonts.missing() == []
    assert fonts.check_fonts in checks.registry.registry.get_checks()
    assert "batches.W001" not in [m.id for m in fonts.check_fonts()]
    regular, bold = fonts.faces()["han"]
    assert regular.path.endswith(".ttc") and bold.path != regular.path


def test_it_warns_and_refuses_to_print_when_fonts_are_missing(no_fonts):
    warnings = [m for m in fonts.check_fonts() if m.id == "batches.W001"]
    assert len(warnings) == 1 and "fonts-noto-core fonts-noto-cjk" in warnings[0].msg
    assert "Noto Sans CJK SC" in warnings[0].msg and "Noto Sans Tamil Bold" in warnings[0].msg
    with pytest.raises(fonts.FontsMissing, match="scripts/install-fonts"):
        pdf.render_cards(io.BytesIO(), [])


def test_it_falls_back_to_debians_paths_without_fontconfig(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    fonts.find.cache_clear()
    try:
        assert fonts.missing() == []
        assert fonts.find("tamil").path == "/usr/share/fonts/truetype/noto/NotoSansTamil-Regular.ttf"
    finally:
        fonts.find.cache_clear()
