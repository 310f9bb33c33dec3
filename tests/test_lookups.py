import pytest

from lapor.agencies import lookups
from lapor.agencies.models import Region


@pytest.mark.django_db
def test_region_codes_are_found_by_value_and_new_ones_at_once():
    p = Region.objects.create(code="35", name="Jawa Timur", level="province")
    r = Region.objects.create(code="35.78", name="Kota Surabaya", level="regency", parent=p)
    Region.objects.create(code="35.78.01.1001", name="Karang Pilang", level="village", parent=r)
    lookups.reset()
    assert [lookups.region_exists(c) for c in ("35", "35.78", "35.78.01.1001")] == [True, True, True]
    # Same digits, other shapes: not codes.
    assert [lookups.region_exists(c) for c in ("3578", "35.7", "35.78.01", "x", "", "35.78.01.1001 ")] == [False] * 6
    Region.objects.create(code="35.78.01", name="Karang Pilang", level="district", parent=r)
    assert lookups.region_exists("35.78.01")  # added after the set was loaded
    lookups.reset()
