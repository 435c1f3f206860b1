"""`lrs import` and `lrs export`: the rules of the API, resumable, duplicates handled."""

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lrs.operations import importer
from tests.factories import COMPLETED
from tests.operations.conftest import export, lrs, statements, write_ndjson

OTHER_VERB = "http://example.com/verbs/attempted"


class TestImport:
    def test_ndjson_is_imported_in_chunks_and_exported_back(
        self, store_name: str, tmp_path: Path
    ) -> None:
        sent = statements(2500)
        source = write_ndjson(tmp_path / "s.ndjson", sent)
        result = lrs("import", str(source), "--store", store_name)
        assert result.exit_code == 0, result.output
        assert "stored or already present: 2500" in result.output
        exported = export(store_name)
        assert [s["id"] for s in exported] == [s["id"] for s in sent]
        assert exported[0]["authority"]["account"]["name"] == "lrs-import"

    def test_a_second_run_resumes_after_what_is_done(self, store_name: str, tmp_path: Path) -> None:
        sent = statements(30)
        source = write_ndjson(tmp_path / "s.ndjson", sent)
        progress = tmp_path / "s.ndjson.lrs-import-progress.json"
        progress.write_text(json.dumps({"s.ndjson": 10}))  # as if a run stopped after 10
        result = lrs("import", str(source), "--store", store_name, "--chunk", "7")
        assert "stored or already present: 20" in result.output, result.output
        assert {s["id"] for s in export(store_name)} == {s["id"] for s in sent[10:]}
        assert json.loads(progress.read_text()) == {"s.ndjson": 30}
        again = lrs("import", str(source), "--store", store_name)
        assert "stored or already present: 0" in again.output
        restarted = lrs("import", str(source), "--store", store_name, "--restart")
        assert "stored or already present: 30" in restarted.output
        assert len(export(store_name)) == 30  # identical duplicates were skipped

    def test_refused_statements_are_reported_and_the_rest_stored(
        self, store_name: str, tmp_path: Path
    ) -> None:
        first = statements(5)
        lrs("import", str(write_ndjson(tmp_path / "first.ndjson", first)), "--store", store_name)
        differing = {**first[2], "verb": {"id": OTHER_VERB}}
        invalid = {**statements(1)[0], "verb": {"id": "not an iri"}}
        batch = [*statements(3), first[0], differing, invalid, *statements(3)]
        source = write_ndjson(tmp_path / "second.ndjson", batch)
        source.write_text(source.read_text() + "{not json\n")
        result = lrs("import", str(source), "--store", store_name, "--chunk", "4")
        assert "stored or already present: 7" in result.output, result.output
        assert "refused: 3" in result.output
        report = tmp_path / "second.ndjson.lrs-import-rejected.ndjson"
        rejected = [json.loads(line) for line in report.read_text().splitlines()]
        assert sorted((r["line"], r["status"]) for r in rejected) == [(5, 409), (6, 400), (10, 400)]
        assert len(export(store_name)) == 5 + 6
        kept = next(s for s in export(store_name) if s["id"] == first[2]["id"])
        assert kept["verb"]["id"] == COMPLETED

    def test_refusals_of_a_run_that_stops_are_reported_once(
        self, store_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A run that dies after its first chunk has already written that chunk's refusals; the
        resumed run skips the chunk and does not report them again."""
        invalid = {**statements(1)[0], "verb": {"id": "not an iri"}}
        source = write_ndjson(tmp_path / "s.ndjson", [*statements(2), invalid, *statements(4)])
        report = tmp_path / "s.ndjson.lrs-import-rejected.ndjson"
        original = importer.Progress.save
        saves = 0

        def save_then_die(self: importer.Progress, source: Path, done: int) -> None:
            nonlocal saves
            original(self, source, done)
            saves += 1
            if saves == 1:
                raise KeyboardInterrupt

        monkeypatch.setattr(importer.Progress, "save", save_then_die)
        lrs("import", str(source), "--store", store_name, "--chunk", "3")
        assert [json.loads(line)["line"] for line in report.read_text().splitlines()] == [3]
        monkeypatch.setattr(importer.Progress, "save", original)
        resumed = lrs("import", str(source), "--store", store_name, "--chunk", "3")
        assert "stored or already present: 4" in resumed.output, resumed.output
        assert [json.loads(line)["line"] for line in report.read_text().splitlines()] == [3]
        assert len(export(store_name)) == 6

    def test_a_directory_of_json_arrays_and_ndjson(self, store_name: str, tmp_path: Path) -> None:
        (tmp_path / "in").mkdir()
        (tmp_path / "in" / "a.json").write_text(json.dumps(statements(4)))
        write_ndjson(tmp_path / "in" / "b.ndjson", statements(3))
        (tmp_path / "in" / "notes.txt").write_text("ignored")
        result = lrs("import", str(tmp_path / "in"), "--store", store_name)
        assert "stored or already present: 7" in result.output, result.output

    def test_as_a_credential_its_authority_is_recorded(
        self, store_name: str, tmp_path: Path
    ) -> None:
        created = lrs("credentials", "create", "--store", store_name, "--json")
        key = json.loads(created.stdout)["key"]
        source = write_ndjson(tmp_path / "s.ndjson", statements(2))
        assert lrs("import", str(source), "--credential", key).exit_code == 0
        assert {s["authority"]["account"]["name"] for s in export(store_name)} == {key}
        wrong = lrs("import", str(source), "--credential", key, "--store", "default")
        assert wrong.exit_code != 0

    def test_an_unknown_store_is_refused(self, store_name: str, tmp_path: Path) -> None:
        source = write_ndjson(tmp_path / "s.ndjson", statements(1))
        result = lrs("import", str(source), "--store", store_name + "-nope")
        assert result.exit_code != 0
        assert "no store named" in result.output


class TestExport:
    def test_filters_order_and_limit_are_those_of_get_statements(
        self, store_name: str, tmp_path: Path
    ) -> None:
        completed, attempted = statements(3), statements(2, verb={"id": OTHER_VERB})
        rows = completed[:2] + attempted + completed[2:]
        lrs("import", str(write_ndjson(tmp_path / "s.ndjson", rows)), "--store", store_name)
        assert [s["id"] for s in export(store_name, "--verb", COMPLETED)] == [
            s["id"] for s in completed
        ]
        newest = export(store_name, "--descending", "--limit", "2")
        assert [s["id"] for s in newest] == [rows[-1]["id"], rows[-2]["id"]]
        bad = lrs("export", "--store", store_name, "--agent", "{not an agent")
        assert bad.exit_code != 0

    def test_parquet_holds_one_row_per_statement(self, store_name: str, tmp_path: Path) -> None:
        sent = statements(12)
        lrs("import", str(write_ndjson(tmp_path / "s.ndjson", sent)), "--store", store_name)
        target = tmp_path / "out.parquet"
        result = lrs("export", "--store", store_name, "--format", "parquet", "-o", str(target))
        assert result.exit_code == 0, result.output
        table = pq.read_table(target)
        assert table.num_rows == 12
        assert table.column("id").to_pylist() == [s["id"] for s in sent]
        assert json.loads(table.column("statement")[0].as_py())["verb"]["id"] == COMPLETED
