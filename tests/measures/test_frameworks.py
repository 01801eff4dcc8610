import shutil

import pytest
from django.core.exceptions import ValidationError

from coproduce.core.models import AuditEvent
from coproduce.measures import frameworks as files
from coproduce.measures.actions import load_frameworks
from coproduce.measures.models import Framework, FrameworkItem


def test_frameworks_load_every_file(frameworks):
    assert sorted(frameworks) == [
        "arnstein-ladder",
        "doing-to-for-with",
        "four-cos",
        "needham-carr-levels",
        "nef-principles",
        "readiness-criteria",
        "scie-principles",
        "tlap-ladder",
    ]
    tlap = frameworks["tlap-ladder"]
    rungs = list(tlap.items.values_list("key", "band"))
    assert rungs == [
        ("coercion", "doing_to"),
        ("educating", "doing_to"),
        ("informing", "doing_for"),
        ("consultation", "doing_for"),
        ("engagement", "doing_for"),
        ("co_design", "doing_with"),
        ("co_production", "doing_with"),
    ]
    assert frameworks["arnstein-ladder"].items.count() == 8
    assert frameworks["readiness-criteria"].items.count() == 6
    assert frameworks["nef-principles"].items.count() == 6
    criteria = frameworks["readiness-criteria"].items.values_list("label_en", flat=True)
    assert list(criteria)[3:5] == ["Clear, measurable outcomes", "Resources, time and support"]
    assert AuditEvent.objects.filter(action="framework.load").count() == 8


def test_frameworks_load_twice_adds_nothing(frameworks):
    assert load_frameworks(by=None) == []
    assert Framework.objects.count() == 8


def test_frameworks_changed_version_refused(frameworks, tmp_path):
    for path in files.DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    edited = tmp_path / "tlap-ladder.yaml"
    edited.write_text(edited.read_text().replace("Coercion", "Compulsion"))
    with pytest.raises(ValidationError):
        load_frameworks(by=None, directory=tmp_path)
    assert FrameworkItem.objects.filter(label_en="Compulsion").count() == 0


def test_frameworks_new_version_keeps_old(frameworks, tmp_path):
    for path in files.DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    edited = tmp_path / "tlap-ladder.yaml"
    edited.write_text(
        edited.read_text().replace("version: 1", "version: 2").replace("Coercion", "Compulsion")
    )
    added = load_frameworks(by=None, directory=tmp_path)
    assert [str(f) for f in added] == ["tlap-ladder v2"]
    old = Framework.objects.get(key="tlap-ladder", version=1)
    assert old.items.get(key="coercion").label_en == "Coercion"


def test_frameworks_file_without_welsh_refused(tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "key: bad\nversion: 1\nkind: ladder\ntitle: {en: Bad}\ncitation: x\nlicence: x\nitems: []\n"
    )
    with pytest.raises(ValidationError):
        files.read_all(tmp_path)


def test_framework_pages_public_in_both_languages(frameworks, client):
    page = client.get("/frameworks/")
    assert page.status_code == 200
    assert "Ladder of co-production" in page.content.decode()
    client.cookies["coproduce_language"] = "cy"
    detail = client.get("/frameworks/tlap-ladder/").content.decode()
    assert "Ysgol cyd-gynhyrchu" in detail
    assert "Gorfodi" in detail
    assert "Think Local Act Personal" in detail


def test_framework_page_unknown_is_404(frameworks, client):
    assert client.get("/frameworks/no-such-thing/").status_code == 404
