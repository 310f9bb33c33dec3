"""Remove personal data from free text shown to the public.

Citizens often write their NIK or family-card number (16 digits), phone numbers and e-mail
addresses into the description. Public renderings (the public track view, later the public feed)
pass text through `redact`; the reporter and the officials handling the report see the original."""

import re

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
# NIK / KK: 16 digits, possibly grouped by spaces, dots or dashes.
_NIK = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
# Indonesian phone numbers: +62 / 62 / 0 followed by 8–13 digits, possibly grouped.
_PHONE = re.compile(r"(?<![\w+])(?:\+62|62|0)[ .-]?\d{2,4}(?:[ .-]?\d{2,5}){1,3}(?!\d)")


def redact(text: str) -> str:
    if not text:
        return text
    text = _EMAIL.sub("[EMAIL]", text)
    text = _NIK.sub("[NIK]", text)
    return _PHONE.sub(lambda m: "[TELEPON]" if 9 <= sum(c.isdigit() for c in m.group()) <= 15 else m.group(), text)
