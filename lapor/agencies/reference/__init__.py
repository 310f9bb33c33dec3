"""Reference fixtures (regions, agencies, categories, map shapes) built by `build.py`; see SOURCES.md."""

from pathlib import Path

FIXTURE_DIR = Path(__file__).resolve().parent
REGIONS_FILE = FIXTURE_DIR / "regions.csv.gz"
AGENCIES_FILE = FIXTURE_DIR / "agencies.csv"
CATEGORIES_FILE = FIXTURE_DIR / "categories.csv"
MAP_SHAPES_FILE = FIXTURE_DIR / "map_shapes.json.gz"
