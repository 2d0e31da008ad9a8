"""Several uploads: the column the files share becomes each file's user id, shown in the
Data page's mapping (pages/_ui/state.py applies kpi.schema.align_user_ids)."""

from __future__ import annotations

from kpi.words import render
from pages._ui import state


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def test_uploads_get_the_shared_user_column():
    refs = [f"R-{i:03d}" for i in range(60)]
    events = _csv(
        "contact_ref,event,when",
        [f"{refs[i % 50]},{['visit', 'buy'][i % 2]},2025-01-{1 + i % 28:02d}" for i in range(200)],
    )
    contacts = _csv(
        "contact_ref,plan", [f"{r},{['free', 'pro'][i % 2]}" for i, r in enumerate(refs)]
    )
    files = [state.parse("events.csv", events), state.parse("contacts.csv", contacts)]
    assert files[0].roles.get("contact_ref") != "user_id"  # alone, the events file has none
    state._align_user_ids(files)
    assert [f.roles["contact_ref"] for f in files] == ["user_id", "user_id"]
    ds, error = state.build(files)
    assert error is None and ds is not None
    assert ds.users.height == 60 and ds.events.height == 200
    # 50 of the 60 refs are in both files
    note = ds.notes[0]
    assert note.code == "ingest_shape.shared_id" and note["column"] == "contact_ref"
    assert note["overlap"] == 50 / 60 and note["share"].code == "ingest_shape.shared_id.both"
    assert render(note, "en") == (
        "user id = contact_ref: shared by both files, 83.3% of its values overlap."
    )
    assert render(note, "fr") == (
        "identifiant utilisateur = contact_ref\u00a0: présent dans les deux fichiers, "
        "83,3\u00a0% de ses valeurs se recoupent."
    )
