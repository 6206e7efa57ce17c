"""The release catalogue harvested for real: ckanext-dcat's RDFParser (profile euro_dcat_ap_3), as a CKAN
portal runs it, in its own virtual environment (CKAN and ckanext-dcat are AGPL and heavy: test-only, never a
dependency of kehoach-kg). .ci/install-ckan-dcat.sh creates that environment; .ci/run runs it before pytest.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Namespace, URIRef
from test_export import BASE, BASE_URL, PLAN_TAILS, sample_release

pytestmark = pytest.mark.slow

VENV = Path(os.environ.get("KEHOACH_CKAN_VENV", "/opt/kehoach-ckan-venv"))
PYTHON = VENV / "bin" / "python"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
LICENCE = "https://w3id.org/kehoach/def/licence/vn-open-data"

# Runs inside the CKAN venv: parse the catalogue file given in argv[1] (format argv[2]) and print the
# CKAN dataset dicts as JSON. No CKAN server, database or configuration is needed for parsing.
HARVEST = """
import json, sys
from ckanext.dcat.processors import RDFParser
parser = RDFParser(profiles=["euro_dcat_ap_3"])
with open(sys.argv[1], encoding="utf-8") as stream:
    parser.parse(stream.read(), _format=sys.argv[2])
print(json.dumps(list(parser.datasets()), ensure_ascii=False))
"""

needs_ckan = pytest.mark.skipif(not PYTHON.exists(), reason=f"no ckanext-dcat venv at {VENV}: run "
                                ".ci/install-ckan-dcat.sh (as root; .ci/run does) or set KEHOACH_CKAN_VENV")


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_release(tmp_path_factory)[1]


def harvest(path: Path, fmt: str) -> list[dict]:  # type: ignore[type-arg]
    done = subprocess.run([str(PYTHON), "-c", HARVEST, str(path), fmt], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _extras(dataset: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {item["key"]: item["value"] for item in dataset["extras"]}


@needs_ckan
def test_ckan_harvests_every_dataset_with_title_notes_tags_and_resources(release: Path) -> None:
    catalogue = Graph().parse(release / "catalog.ttl", format="turtle")
    datasets = harvest(release / "catalog.ttl", "turtle")
    uris = {_extras(d)["uri"] for d in datasets}
    assert uris == {BASE + "dataset/all"} | {f"{BASE}dataset/plan/{tail}" for tail in PLAN_TAILS}
    assert len(datasets) == 6
    for dataset in datasets:
        extras = _extras(dataset)
        node = URIRef(extras["uri"])
        assert dataset["title"] and dataset["notes"], extras["uri"]
        assert "Cộng đồng Văn hóa - Xã hội ASEAN" in {t["name"] for t in dataset["tags"]}
        resources = dataset["resources"]
        assert len(resources) == len(list(catalogue.objects(node, DCAT.distribution))) >= 5
        for resource in resources:
            assert resource["url"].startswith(BASE_URL) and resource["name"], resource
            data = (release / resource["url"].removeprefix(BASE_URL)).read_bytes()
            assert resource["size"] == len(data)
            assert resource["license"] == LICENCE  # the IRI, not a label
            assert resource["format"].startswith("http://publications.europa.eu/resource/authority/file-type/")
        themes = json.loads(extras["theme"])
        assert "http://publications.europa.eu/resource/authority/data-theme/SOCI" in themes
        assert json.loads(extras["language"]) == ["http://publications.europa.eu/resource/authority/language/VIE"]
        assert extras["contact_email"] == "dulieumo@example.org"
        assert extras["issued"] == "2026-06-30" and extras["temporal_start"] == "2026-01-01"
        assert extras["publisher_name"] and extras["provenance"]
    plans = [d for d in datasets if "/dataset/plan/" in _extras(d)["uri"]]
    assert {_extras(d)["spatial_uri"].rsplit("/", 1)[-1] for d in plans} <= {"12", "10882", "31", "42", "66", "75",
                                                                             "VNM"}
    ha_tinh = next(d for d in plans if _extras(d)["uri"].endswith("/42/2026-2030"))
    assert _extras(ha_tinh)["publisher_name"] in ("Ủy ban nhân dân tỉnh Hà Tĩnh",
                                                  "People's Committee of Hà Tĩnh Province")
    assert {r["url"].rsplit("/", 1)[-1] for r in ha_tinh["resources"]} == {
        "42-2026-2030.ttl", "42-2026-2030.nt", "42-2026-2030.jsonld", "42-2026-2030.rdf", "42-2026-2030-tasks.csv"}


@needs_ckan
@pytest.mark.parametrize(("name", "fmt"), [("catalog.rdf", "xml"), ("catalog.jsonld", "json-ld")])
def test_ckan_reads_the_other_serialisations_alike(release: Path, name: str, fmt: str) -> None:
    reference = {_extras(d)["uri"]: d for d in harvest(release / "catalog.ttl", "turtle")}
    other = {_extras(d)["uri"]: d for d in harvest(release / name, fmt)}
    assert other.keys() == reference.keys()
    for uri, dataset in other.items():
        assert dataset["title"] == reference[uri]["title"] and dataset["notes"] == reference[uri]["notes"]
        assert sorted(t["name"] for t in dataset["tags"]) == sorted(t["name"] for t in reference[uri]["tags"])
        assert sorted(r["url"] for r in dataset["resources"]) == sorted(r["url"] for r in reference[uri]["resources"])
