import pytest

from lapor.core.redact import redact


@pytest.mark.parametrize(
    "text, expected",
    [
        ("NIK saya 3578012345678901, mohon dibantu", "NIK saya [NIK], mohon dibantu"),
        ("No KK 3578 0123 4567 8901.", "No KK [NIK]."),
        ("hubungi 081234567890 atau +62 812-3456-7890", "hubungi [TELEPON] atau [TELEPON]"),
        ("email: siti.aminah@example.id", "email: [EMAIL]"),
        ("Kejadian 10 November 2026 pukul 10.30 di RT 03/RW 05", "Kejadian 10 November 2026 pukul 10.30 di RT 03/RW 05"),
        ("Biaya Rp500.000 untuk 2 anak", "Biaya Rp500.000 untuk 2 anak"),
        ("", ""),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected
