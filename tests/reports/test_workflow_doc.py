from pathlib import Path

from django.conf import settings

from lapor.reports.workflow_doc import render


def test_docs_workflow_md_is_generated_from_the_table():
    committed = (Path(settings.BASE_DIR) / "docs" / "workflow.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/workflow.md is stale: run `manage.py workflow_doc`"
