"""The README of a release (Vietnamese, then English): what is in it, how to cite it, the licence
terms and the CSV columns. Written from the release itself, so it never disagrees with the files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import DCTERMS

from kg.dcat import LICENCE, CatalogueOptions, licence
from kg.export_csv import TABLES

if TYPE_CHECKING:
    from kg.export import ExportResult


def _licence_text(lang: str) -> tuple[str, str]:
    graph = licence()
    title = next(str(o) for o in graph.objects(URIRef(LICENCE), DCTERMS.title) if o.language == lang)  # type: ignore[attr-defined]
    text = next(str(o) for o in graph.objects(URIRef(LICENCE), DCTERMS.description) if o.language == lang)  # type: ignore[attr-defined]
    return title, text


def _files(result: ExportResult) -> list[str]:
    lines = ["| file | format | bytes | SHA-256 |", "|---|---|---:|---|"]
    for dataset in result.datasets:
        for item in dataset.files:
            lines.append(f"| `{item.path}` | {item.fmt.name} | {item.byte_size:,} | `{item.sha256[:16]}…` |")
    return lines


def _plans(result: ExportResult) -> list[str]:
    lines = ["| plan / kế hoạch | issuer / cơ quan ban hành | period | tasks | duties | assignments | dataset IRI |",
             "|---|---|---|---:|---:|---:|---|"]
    for dataset in result.datasets:
        plan = dataset.plan
        if plan is None:
            continue
        c = plan.counts
        lines.append(f"| {plan.number or '(chưa có số / no number)'} `{plan.source_file}` | {plan.issuer} | "
                     f"{plan.period} | {c.get('tasks', 0)} | {c.get('duties', 0)} | {c.get('assignments', 0)} | "
                     f"<{dataset.iri}> |")
    return lines


def _columns() -> list[str]:
    lines: list[str] = []
    for table in TABLES:
        lines += ["", f"### `csv/{table.file}`", "", f"{table.vi} / {table.en}", "",
                  "| column / cột | type | nghĩa | meaning |", "|---|---|---|---|"]
        for column in table.columns:
            lines.append(f"| `{column.name}` | {column.datatype} | {column.vi} | {column.en} |")
    lines += ["", "`csv/plans/{unit}-{period}-tasks.csv` have the columns of `csv/tasks.csv`, for one plan. / "
              "Các tệp này có các cột như `csv/tasks.csv`, cho một kế hoạch."]
    return lines


def _validation(result: ExportResult) -> list[str]:
    lines = ["| severity | shape | path | count |", "|---|---|---|---:|"]
    for (severity, shape, path), count in sorted(result.check.summary().items()):
        lines.append(f"| {severity} | `{shape}` | `{path or '-'}` | {count} |")
    return lines


def readme(result: ExportResult, options: CatalogueOptions) -> str:
    """The text of ``README.md``."""
    title_vi, terms_vi = _licence_text("vi")
    title_en, terms_en = _licence_text("en")
    whole = next(d for d in result.datasets if d.plan is None)
    issued = result.issued.isoformat()
    url = options.base_url
    contact = options.contact_email or "(chưa cấu hình / not configured)"
    text = [
        "# Kế hoạch thực hiện Chương trình hành động Cộng đồng Văn hóa - Xã hội ASEAN: dữ liệu mở",
        "",
        f"Bản phát hành ngày {issued} (sửa đổi {result.modified.isoformat()}), tải về tại <{url}>. "
        f"Đầu mối: {contact}.",
        "",
        "## Tiếng Việt",
        "",
        "### Nội dung",
        "",
        f"Dữ liệu có cấu trúc đọc từ {len(result.datasets) - 1} kế hoạch của Ủy ban nhân dân các tỉnh, thành phố, "
        "xã, phường thực hiện Quyết định 155/QĐ-TTg: mục tiêu, nhiệm vụ, cơ quan chủ trì và phối hợp, chỉ tiêu, "
        "văn bản viện dẫn. Mỗi dữ kiện ghi tệp và dòng của văn bản gốc mà nó được đọc ra.",
        "",
        "- `catalog.ttl`, `catalog.rdf`, `catalog.jsonld`: danh mục DCAT-AP 3.0.1 (một bộ dữ liệu cho mỗi kế "
        "hoạch và một bộ cho toàn bộ đồ thị), dùng để Cổng dữ liệu (CKAN, ckanext-dcat) thu thập;",
        "- `data/kehoach-all.*`: toàn bộ đồ thị (Turtle, N-Triples, JSON-LD, RDF/XML);",
        "- `data/plans/*`: từng kế hoạch (đồ thị của kế hoạch và các cơ quan được nêu tên);",
        "- `csv/*.csv`: các bảng cho người không dùng công cụ RDF (UTF-8 có BOM, mở được bằng Excel); "
        "`csv/csv-metadata.json` mô tả các cột theo chuẩn CSVW;",
        "- `ontology/`: bản thể học (OWL), các ràng buộc SHACL và ánh xạ;",
        "- `SHA256SUMS`: mã băm của mọi tệp (`sha256sum -c SHA256SUMS`).",
        "",
        "### Trích dẫn",
        "",
        f"Khi dùng dữ liệu, ghi nguồn: *{{cơ quan ban hành kế hoạch}}, Kế hoạch {{số}}; dữ liệu có cấu trúc "
        f"kehoach-kg, bản phát hành {issued}, {{IRI của bộ dữ liệu}}*. Ví dụ cho toàn bộ đồ thị: "
        f"*Đồ thị tri thức các Kế hoạch thực hiện Chương trình hành động Cộng đồng Văn hóa - Xã hội ASEAN, "
        f"bản phát hành {issued}, <{whole.iri}>.*",
        "",
        "### Điều khoản sử dụng",
        "",
        f"**{title_vi}.** {terms_vi}",
        "",
        "Điều khoản trên áp dụng cho toàn bộ bản phát hành: dữ liệu đọc từ các kế hoạch, bản thể học, các ràng "
        "buộc SHACL và các bộ từ vựng SKOS của dự án (thư mục `ontology/`).",
        "",
        "Dữ liệu được đọc tự động từ văn bản; khi dùng cho mục đích chính thức, hãy đối chiếu văn bản gốc.",
        "",
        "## English",
        "",
        "### What is in this release",
        "",
        f"Structured data read from {len(result.datasets) - 1} plans of Vietnamese provincial and commune "
        "People's Committees implementing Decision 155/QĐ-TTg (ASEAN Socio-Cultural Community action programme): "
        "goals, tasks, lead and co-operating agencies, targets, cited documents. Every fact records the file and "
        "lines of the source text it was read from.",
        "",
        "- `catalog.ttl`, `catalog.rdf`, `catalog.jsonld`: the DCAT-AP 3.0.1 catalogue (one dataset per plan and "
        "one for the whole graph), for harvesting by the portal (CKAN with ckanext-dcat);",
        "- `data/kehoach-all.*`: the whole graph (Turtle, N-Triples, JSON-LD, RDF/XML);",
        "- `data/plans/*`: one plan each (the plan's graph and the agencies it names);",
        "- `csv/*.csv`: tables for people without RDF tools (UTF-8 with a BOM: Excel opens them with the "
        "Vietnamese intact); `csv/csv-metadata.json` describes the columns (W3C CSVW);",
        "- `ontology/`: the OWL ontology, the SHACL shapes and the alignments;",
        "- `SHA256SUMS`: checksums of every file (`sha256sum -c SHA256SUMS`).",
        "",
        "### How to cite",
        "",
        f"*{{issuing People's Committee}}, Plan {{number}}; structured data by kehoach-kg, release {issued}, "
        f"{{dataset IRI}}*. For the whole graph: *Knowledge graph of the implementation plans of the ASEAN "
        f"Socio-Cultural Community action programme, release {issued}, <{whole.iri}>.*",
        "",
        "### Licence",
        "",
        f"**{title_en}.** {terms_en} No Creative Commons licence applies to the data.",
        "",
        "These terms cover the whole release: the data read from the plans and the project's ontology, SHACL "
        "shapes and SKOS vocabularies (`ontology/`).",
        "",
        "The data was read automatically from the documents: check the source document before official use.",
        "",
        "## Bộ dữ liệu / Datasets",
        "",
        *_plans(result),
        f"| (toàn bộ / all) | | | | | | <{whole.iri}> |",
        "",
        "## Tệp / Files",
        "",
        *_files(result),
        "",
        "## Các cột CSV / CSV columns",
        "",
        "UTF-8 với BOM, dấu phẩy, một dòng tiêu đề; danh sách trong một ô cách nhau bởi `; `. / UTF-8 with a BOM, "
        "comma-separated, one header row; lists within a cell are separated by `; `.",
        *_columns(),
        "",
        "## Kiểm tra danh mục / Catalogue validation",
        "",
        "The catalogue conforms to the DCAT-AP 3.0.1 SHACL shapes (run offline with pySHACL; vendored in the "
        "kehoach-kg repository, ontology/dcat-ap/). Expected results, which need the EU vocabularies or do not "
        "apply to Vietnamese publishers (ontology/dcat-ap/expected-warnings.txt):",
        "",
        *_validation(result),
        "",
    ]
    return "\n".join(text)
